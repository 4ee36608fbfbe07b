import { createHash, randomBytes } from 'node:crypto';
import { formatPortalDateTime, RestError } from '../envelope';
import { allocateId, type OfflineEvent, type PortalState } from '../state/store';
import { applyFilter, applyOrder } from '../crm/filters';
import { type FieldKind } from '../crm/wire-values';

const DEFAULT_LIMIT = 50;

/** One record per (app, event, object): a newer change of the same object refreshes the unreserved record. */
export function enqueueOffline(
  state: PortalState,
  now: number,
  entry: { clientId: string; event: string; data: Record<string, string>; userId: number; authConnector: string | null },
): void {
  const messageId = createHash('md5').update(`${entry.clientId}|${entry.event}|${JSON.stringify(entry.data)}`).digest('hex');
  const existing = state.offlineEvents.find((e) => e.clientId === entry.clientId && e.messageId === messageId && e.processId === null);
  if (existing) {
    existing.timestampMs = now;
    existing.userId = entry.userId;
    return;
  }
  state.offlineEvents.push({ id: allocateId(state, 'offline'), ...entry, messageId, timestampMs: now, processId: null, error: false });
}

const KINDS: Record<string, FieldKind> = { ID: 'integer', TIMESTAMP_X: 'datetime', EVENT_NAME: 'string', MESSAGE_ID: 'string' };

function target(timeZone: string) {
  return {
    timeZone,
    kindOf: (f: string) => KINDS[f],
    valueOf: (e: OfflineEvent, f: string): unknown => ({ ID: e.id, TIMESTAMP_X: e.timestampMs, EVENT_NAME: e.event, MESSAGE_ID: e.messageId })[f],
  };
}

function toWire(e: OfflineEvent, timeZone: string, withQueueColumns: boolean): Record<string, unknown> {
  return {
    ID: String(e.id),
    TIMESTAMP_X: formatPortalDateTime(e.timestampMs, timeZone),
    EVENT_NAME: e.event,
    EVENT_DATA: { FIELDS: e.data },
    EVENT_ADDITIONAL: { user_id: String(e.userId) },
    MESSAGE_ID: e.messageId,
    ...(withQueueColumns ? { PROCESS_ID: e.processId, ERROR: e.error ? '1' : '0' } : {}),
  };
}

/**
 * `clear=1` (default) hands out and deletes; `clear=0` reserves under a process_id until event.offline.clear.
 * Passing a known process_id re-reads that reservation. Parallel callers get disjoint sets.
 */
export function getOffline(state: PortalState, clientId: string, params: Record<string, unknown>, timeZone: string) {
  const clear = params.clear === undefined ? true : !(params.clear === 0 || params.clear === '0' || params.clear === false);
  const limit = params.limit === undefined ? DEFAULT_LIMIT : Number(params.limit);
  if (!Number.isInteger(limit) || limit <= 0) throw new RestError(400, 'INVALID_ARG_VALUE', `limit: "${String(params.limit)}" must be a positive integer`);
  const requestedProcess = typeof params.process_id === 'string' && params.process_id !== '' ? params.process_id : null;
  const includeErrors = params.error === 1 || params.error === '1';
  const own = state.offlineEvents.filter(
    (e) =>
      e.clientId === clientId &&
      (requestedProcess ? e.processId === requestedProcess : e.processId === null) &&
      (includeErrors || !e.error) &&
      (params.auth_connector === undefined || e.authConnector !== params.auth_connector),
  );
  const selected = applyOrder(target(timeZone), applyFilter(target(timeZone), own, params.filter), params.order ?? { TIMESTAMP_X: 'ASC' }).slice(0, limit);
  const processId = requestedProcess ?? randomBytes(16).toString('hex');
  const events = selected.map((e) => toWire(e, timeZone, false));
  if (clear) {
    const ids = new Set(selected.map((e) => e.id));
    state.offlineEvents = state.offlineEvents.filter((e) => !ids.has(e.id));
  } else for (const e of selected) e.processId = processId;
  return { process_id: processId, events };
}

export function clearOffline(state: PortalState, clientId: string, params: Record<string, unknown>): true {
  const processId = String(params.process_id ?? '');
  if (processId === '') throw new RestError(400, 'INVALID_ARG_VALUE', 'process_id is required');
  const ids = asStrings(params.id);
  const messageIds = asStrings(params.message_id);
  state.offlineEvents = state.offlineEvents.filter(
    (e) =>
      !(e.clientId === clientId && e.processId === processId && (ids === undefined || ids.includes(String(e.id))) && (messageIds === undefined || messageIds.includes(e.messageId))),
  );
  return true;
}

export function markOfflineErrors(state: PortalState, clientId: string, params: Record<string, unknown>): true {
  const processId = String(params.process_id ?? '');
  const messageIds = asStrings(params.message_id) ?? [];
  for (const e of state.offlineEvents)
    if (e.clientId === clientId && e.processId === processId && messageIds.includes(e.messageId)) {
      e.error = true;
      e.processId = null;
    }
  return true;
}

export function listOffline(state: PortalState, clientId: string, params: Record<string, unknown>, timeZone: string) {
  const own = state.offlineEvents.filter((e) => e.clientId === clientId);
  const rows = applyOrder(target(timeZone), applyFilter(target(timeZone), own, params.filter), params.order ?? { ID: 'ASC' });
  return { result: rows.map((e) => toWire(e, timeZone, true)), total: rows.length };
}

function asStrings(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : [raw];
  return list.map(String);
}
