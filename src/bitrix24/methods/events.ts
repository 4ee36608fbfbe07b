import { command, type Command } from '../command';
import { asList, asMap, flag, optionalInteger, optionalString } from '../normalize';
import { parseTrue } from './parse';

/** CRM events the engine listens to. */
export const LOYALTY_EVENTS = [
  'ONCRMDEALADD',
  'ONCRMDEALUPDATE',
  'ONCRMDEALDELETE',
  'ONCRMDEALMOVETOCATEGORY',
  'ONCRMCONTACTADD',
  'ONCRMCONTACTUPDATE',
  'ONCRMCONTACTDELETE',
] as const;

export interface EventBinding {
  event: string;
  handler: string;
  authType: number;
  offline: boolean;
}

export interface EventBindInput {
  event: string;
  /** Handler URL (omit for offline events). */
  handler?: string;
  eventType?: 'online' | 'offline';
  authType?: number;
  authConnector?: string;
}

export interface OfflineEvent {
  id: number;
  eventName: string;
  timestamp: string | null;
  messageId: string | null;
  data: Record<string, unknown>;
}

export interface OfflineEventBatch {
  processId: string | null;
  events: OfflineEvent[];
}

function parseBinding(raw: unknown, path: string): EventBinding {
  const record = asMap(raw, path);
  return {
    event: (optionalString(record.event, `${path}.event`) ?? '').toUpperCase(),
    handler: optionalString(record.handler, `${path}.handler`) ?? '',
    authType: optionalInteger(record.auth_type, `${path}.auth_type`) ?? 0,
    offline: flag(record.offline, `${path}.offline`),
  };
}

function parseOfflineEvent(raw: unknown, path: string): OfflineEvent {
  const record = asMap(raw, path);
  return {
    id: optionalInteger(record.ID, `${path}.ID`) ?? 0,
    eventName: (optionalString(record.EVENT_NAME, `${path}.EVENT_NAME`) ?? '').toUpperCase(),
    timestamp: optionalString(record.TIMESTAMP_X, `${path}.TIMESTAMP_X`),
    messageId: optionalString(record.MESSAGE_ID, `${path}.MESSAGE_ID`),
    data: asMap(record.EVENT_DATA, `${path}.EVENT_DATA`),
  };
}

/** `event.*` — application (OAuth) context only; webhooks get an auth error. */
export const events = {
  bind(input: EventBindInput): Command<true> {
    const params: Record<string, unknown> = { event: input.event };
    if (input.handler !== undefined) params.handler = input.handler;
    if (input.eventType !== undefined) params.event_type = input.eventType;
    if (input.authType !== undefined) params.auth_type = input.authType;
    if (input.authConnector !== undefined) params.auth_connector = input.authConnector;
    return command('event.bind', params, parseTrue);
  },

  get(): Command<EventBinding[]> {
    return command('event.get', {}, (result) => asList(result, 'result').map((row, index) => parseBinding(row, `result[${index}]`)));
  },

  /** → number of handlers removed. */
  unbind(input: { event: string; handler?: string; eventType?: 'online' | 'offline' }): Command<number> {
    const params: Record<string, unknown> = { event: input.event };
    if (input.handler !== undefined) params.handler = input.handler;
    if (input.eventType !== undefined) params.event_type = input.eventType;
    return command('event.unbind', params, (result) => optionalInteger(asMap(result, 'result').count, 'result.count') ?? 0);
  },

  /** Reserves up to `limit` queued offline events (`clear: 0`); confirm with `offlineClear`. */
  offlineGet(options: { limit?: number; processId?: string } = {}): Command<OfflineEventBatch> {
    const params: Record<string, unknown> = { clear: 0 };
    if (options.limit !== undefined) params.limit = options.limit;
    if (options.processId !== undefined) params.process_id = options.processId;
    return command('event.offline.get', params, (result) => {
      const record = asMap(result, 'result');
      return {
        processId: optionalString(record.process_id, 'result.process_id') || null,
        events: asList(record.events, 'result.events').map((row, index) => parseOfflineEvent(row, `result.events[${index}]`)),
      };
    });
  },

  /** Deletes the reserved events of `processId` (all, or only `ids`). */
  offlineClear(processId: string, ids?: readonly number[]): Command<true> {
    const params: Record<string, unknown> = { process_id: processId };
    if (ids !== undefined) params.id = ids;
    return command('event.offline.clear', params, parseTrue);
  },
};
