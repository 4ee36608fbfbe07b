import { type Client } from '@temporalio/client';
import { handleInstall, handleUninstall, INSTALL_EVENT, UNINSTALL_EVENT, type InstallRouteDeps } from './app-install-route';
import { type EventOutcome } from './metrics';
import { isBridgeEvent, readCredentials, readEntityEvent, readEventName } from './payload';
import { TokenStoreUnavailableError, type AuthenticatedPortal } from './portal-registry';
import { signalEntityWorkflow } from '../intake/entity-notice';

/** What the access log line of one event POST says: ids and outcome only, never a token. */
export interface EventLogContext {
  outcome: EventOutcome;
  event?: string;
  entityId?: number;
  ts?: number;
  portal?: string;
  memberIdPrefix?: string;
  error?: string;
}

export interface EventAnswer {
  status: 200 | 202 | 400 | 401 | 500 | 503;
  body: Record<string, unknown>;
  log: EventLogContext;
}

export interface EventRouteDeps extends InstallRouteDeps {
  temporal: Client;
  /** Where the entity workflows run. */
  taskQueue: string;
  temporalDeadlineMs: number;
}

const MEMBER_ID_PREFIX_LENGTH = 6;

/**
 * `POST /bitrix24/events`: authenticate, validate, then signal-with-start the entity's workflow. The 200 goes out
 * only after Temporal accepted the signal, because Bitrix24 never retries: an acknowledged event must not be lost.
 */
export async function handleEvent(deps: EventRouteDeps, body: unknown): Promise<EventAnswer> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return malformed('body: must be a form-encoded or JSON object', {});
  }
  const name = readEventName(body);
  if (name.ok && name.value === INSTALL_EVENT) return handleInstall(deps, body);
  const credentials = readCredentials(body);
  const memberIdPrefix = credentials?.memberId.slice(0, MEMBER_ID_PREFIX_LENGTH);
  let portal: AuthenticatedPortal | null;
  try {
    portal = credentials && (await deps.registry.authenticate(credentials.memberId, credentials.applicationToken));
  } catch (error) {
    if (!(error instanceof TokenStoreUnavailableError)) throw error;
    const body = { error: 'token_store_unavailable', message: 'event not recorded: the installed applications\' tokens could not be read, retry later' };
    return { status: 503, body, log: { outcome: 'token_store_unavailable', memberIdPrefix, error: error.message } };
  }
  if (!portal) {
    const message = 'unknown auth[member_id] or wrong auth[application_token]';
    return { status: 401, body: { error: 'unauthorized', message }, log: { outcome: 'unauthorized', memberIdPrefix } };
  }
  const who = { portal: portal.key, memberIdPrefix };
  if (!name.ok) return malformed(name.problem, who);
  const event = name.value;
  if (event === UNINSTALL_EVENT) return handleUninstall(deps, portal);
  if (!isBridgeEvent(event)) {
    return { status: 202, body: { status: 'ignored', event }, log: { outcome: 'unknown_event', event, ...who } };
  }
  const parsed = readEntityEvent(body, event);
  if (!parsed.ok) return malformed(parsed.problem, { event, ...who });
  const log = { event, entityId: parsed.value.entityId, ts: parsed.value.ts, ...who };
  try {
    const route = { portal: portal.key, taskQueue: deps.taskQueue };
    await signalEntityWorkflow(deps.temporal, route, { ...parsed.value, source: 'webhook' }, deps.temporalDeadlineMs);
  } catch (error) {
    const body = { error: 'temporal_unavailable', message: 'event not recorded: Temporal did not accept it in time, retry later' };
    return { status: 503, body, log: { outcome: 'temporal_unavailable', ...log, error: describeError(error) } };
  }
  return { status: 200, body: { status: 'accepted' }, log: { outcome: 'accepted', ...log } };
}

function malformed(message: string, log: Omit<EventLogContext, 'outcome'>): EventAnswer {
  return { status: 400, body: { error: 'malformed', message }, log: { outcome: 'malformed', ...log } };
}

/** "Failed to signalWithStart Workflow: 14 UNAVAILABLE: …": the SDK's message alone hides the transport cause. */
function describeError(error: unknown): string {
  const messages: string[] = [];
  for (let current = error; current instanceof Error && messages.length < 4; current = current.cause) messages.push(current.message);
  return messages.length > 0 ? messages.join(': ') : String(error);
}
