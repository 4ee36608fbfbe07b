import { z } from 'zod';
import { type InstallationGrant } from '../bitrix24/app-installation';
import { type ContactEventName, type DealEventName } from '../../workflows/crm-event';
import { entityKindOf, type EntityKind } from '../intake/entity-notice';

/**
 * The Bitrix24 outbound event body after PHP bracket decoding (`data[FIELDS][ID]=7` → `{data: {FIELDS: {ID: '7'}}}`).
 * Every scalar arrives as a string on the wire; JSON senders may use numbers.
 */
const positiveInteger = z.unknown().transform((value, ctx) => {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text === 'string' && /^[1-9]\d{0,14}$/.test(text)) return Number(text);
  ctx.addIssue({ code: 'custom', message: value === undefined ? 'is required' : 'must be a positive integer' });
  return z.NEVER;
});

const credentialsSchema = z.object({
  auth: z.object({
    member_id: z.string().min(1),
    application_token: z.string().min(1),
  }),
});

const requiredText = z.string({ error: 'is required' }).min(1, 'must not be empty');

const eventNameSchema = z.object({ event: requiredText });

const requiredObject = (issue: { input?: unknown }): string => (issue.input === undefined ? 'is required' : 'must be an object');

const installationSchema = z.object({
  auth: z.object(
    {
      member_id: requiredText,
      application_token: requiredText,
      access_token: requiredText,
      refresh_token: requiredText,
      client_endpoint: z.url({ protocol: /^https?$/, error: 'must be the portal REST URL' }),
    },
    { error: requiredObject },
  ),
});

const entityEventSchema = z.object({
  data: z.object({ FIELDS: z.object({ ID: positiveInteger }, { error: requiredObject }) }, { error: requiredObject }),
  ts: positiveInteger,
});

export { entityKindOf, type EntityKind };
export type BridgeEventName = DealEventName | ContactEventName;

export interface EventCredentials {
  memberId: string;
  applicationToken: string;
}

export interface EntityEvent {
  event: BridgeEventName;
  kind: EntityKind;
  entityId: number;
  ts: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** `auth[member_id]` and `auth[application_token]`, or null when either is missing (an unauthenticated request). */
export function readCredentials(body: unknown): EventCredentials | null {
  const result = credentialsSchema.safeParse(body);
  if (!result.success) return null;
  return { memberId: result.data.auth.member_id, applicationToken: result.data.auth.application_token };
}

/** ONAPPINSTALL's grant: the installing administrator's tokens and the application token of this installation. */
export function readInstallationGrant(body: unknown): Parsed<InstallationGrant> {
  const result = installationSchema.safeParse(body, { reportInput: false });
  if (!result.success) return { ok: false, problem: describeIssues(result.error) };
  const { auth } = result.data;
  return {
    ok: true,
    value: {
      memberId: auth.member_id,
      accessToken: auth.access_token,
      refreshToken: auth.refresh_token,
      applicationToken: auth.application_token,
      clientEndpoint: auth.client_endpoint,
    },
  };
}

/** The upper-case event name; Bitrix24 always sends it, so its absence means the body is not an event. */
export function readEventName(body: unknown): Parsed<string> {
  const result = eventNameSchema.safeParse(body, { reportInput: false });
  return result.success ? { ok: true, value: result.data.event } : { ok: false, problem: describeIssues(result.error) };
}

/** The entity id and timestamp of a known CRM event. */
export function readEntityEvent(body: unknown, event: BridgeEventName): Parsed<EntityEvent> {
  const kind = entityKindOf(event);
  if (kind === null) return { ok: false, problem: `event: ${event} is not a CRM deal or contact event` };
  const result = entityEventSchema.safeParse(body, { reportInput: false });
  if (!result.success) return { ok: false, problem: describeIssues(result.error) };
  return { ok: true, value: { event, kind, entityId: result.data.data.FIELDS.ID, ts: result.data.ts } };
}

export function isBridgeEvent(event: string): event is BridgeEventName {
  return entityKindOf(event) !== null;
}

/** Issues named by their wire key (`data[FIELDS][ID]: must be a positive integer`), as the sender wrote them. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${wireKey(issue.path)}: ${issue.message}`).join('; ');
}

function wireKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  if (head === undefined) return 'body';
  return head + rest.map((part) => `[${part}]`).join('');
}
