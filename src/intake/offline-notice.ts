import { type OfflineEvent } from '../bitrix24';
import { entityKindOf, isEntityEvent, type EntityNotice } from './entity-notice';

/**
 * The workflow notice for one queued offline event, or null when the engine does not react to it (other event
 * types, or a record without a usable entity id): those are cleared from the queue all the same.
 */
export function offlineEventNotice(event: OfflineEvent): EntityNotice | null {
  if (!isEntityEvent(event.eventName)) return null;
  const fields = event.data.FIELDS;
  const rawId = typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>).ID : undefined;
  const entityId = Number(rawId);
  if (!Number.isSafeInteger(entityId) || entityId <= 0) return null;
  const queuedAtMs = event.timestamp === null ? Number.NaN : Date.parse(event.timestamp);
  return {
    kind: entityKindOf(event.eventName)!,
    entityId,
    event: event.eventName,
    ts: Number.isNaN(queuedAtMs) ? 0 : Math.floor(queuedAtMs / 1000),
    source: 'offline',
  };
}
