import { type Bitrix24Client } from './client';
import { LOYALTY_FIELD_DEFINITIONS } from './loyalty-fields';
import { events, LOYALTY_EVENTS } from './methods/events';
import { userFields, type UserFieldEntity } from './methods/user-fields';

export interface FieldSetupResult {
  entity: UserFieldEntity;
  fieldName: string;
  action: 'created' | 'already present';
}

export interface EventSetupResult {
  event: string;
  action: 'bound' | 'already bound';
}

export interface SetupReport {
  fields: FieldSetupResult[];
  events: EventSetupResult[];
}

export interface SetupOptions {
  /** Application (OAuth) mode: bind the CRM events to this URL. Ignored for webhook clients. */
  handlerUrl?: string;
  /** Progress lines, e.g. `console.log`. */
  log?: (line: string) => void;
}

async function ensureFields(client: Bitrix24Client, entity: UserFieldEntity, log: (line: string) => void): Promise<FieldSetupResult[]> {
  const existing = new Set((await client.run(userFields.list(entity))).map((field) => field.fieldName.toUpperCase()));
  const results: FieldSetupResult[] = [];
  for (const definition of LOYALTY_FIELD_DEFINITIONS[entity]) {
    const present = existing.has(definition.fieldName.toUpperCase());
    if (!present) await client.run(userFields.add(entity, definition));
    const result: FieldSetupResult = { entity, fieldName: definition.fieldName, action: present ? 'already present' : 'created' };
    log(`${entity} field ${definition.fieldName}: ${result.action}`);
    results.push(result);
  }
  return results;
}

async function ensureEventBindings(client: Bitrix24Client, handlerUrl: string, log: (line: string) => void): Promise<EventSetupResult[]> {
  const bound = await client.run(events.get());
  const results: EventSetupResult[] = [];
  for (const event of LOYALTY_EVENTS) {
    const present = bound.some((binding) => binding.event === event && binding.handler === handlerUrl && !binding.offline);
    if (!present) await client.run(events.bind({ event, handler: handlerUrl }));
    const result: EventSetupResult = { event, action: present ? 'already bound' : 'bound' };
    log(`event ${event} → handler: ${result.action}`);
    results.push(result);
  }
  return results;
}

/**
 * Idempotently prepares a portal for the engine: creates the missing custom fields (existing ones are
 * listed first and never duplicated) and, for an application, binds the CRM event handlers.
 */
export async function setupPortal(client: Bitrix24Client, options: SetupOptions = {}): Promise<SetupReport> {
  const log = options.log ?? (() => undefined);
  const fields = [...(await ensureFields(client, 'contact', log)), ...(await ensureFields(client, 'deal', log))];
  const bindEvents = client.auth.mode === 'oauth' && options.handlerUrl !== undefined;
  return { fields, events: bindEvents && options.handlerUrl !== undefined ? await ensureEventBindings(client, options.handlerUrl, log) : [] };
}

/** Webhook installs cannot bind events over REST: an administrator creates an outgoing webhook by hand. */
export function outgoingWebhookInstructions(handlerUrl: string): string[] {
  return [
    'Events cannot be bound over REST with an incoming webhook. In the portal, as an administrator:',
    '1. Open Applications → Developer resources → Other → Outgoing webhook.',
    `2. Handler URL: ${handlerUrl}`,
    `3. Tick the events: ${LOYALTY_EVENTS.filter((event) => event !== 'ONCRMDEALMOVETOCATEGORY').join(', ')}.`,
    '   (ONCRMDEALMOVETOCATEGORY is not offered to outgoing webhooks: pipeline moves are caught by the periodic reconciliation.)',
    '4. Save, copy the "Application token" shown and put it into the portal\'s LOYALTY_PORTALS entry (applicationToken).',
    '5. Keep the incoming webhook for reads/writes: outgoing events carry no access token.',
  ];
}
