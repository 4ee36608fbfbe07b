import { RestError } from '../envelope';
import { allocateId, type EventBinding, type PortalState } from '../state/store';
import { type OutgoingWebhook } from '../types';

export const KNOWN_EVENTS = new Set([
  'ONCRMDEALADD', 'ONCRMDEALUPDATE', 'ONCRMDEALDELETE', 'ONCRMDEALMOVETOCATEGORY',
  'ONCRMCONTACTADD', 'ONCRMCONTACTUPDATE', 'ONCRMCONTACTDELETE', 'ONAPPTEST', 'ONOFFLINEEVENT',
]);

/** Events only app subscriptions receive (outgoing webhooks cannot subscribe to them). */
const APP_ONLY_EVENTS = new Set(['ONCRMDEALMOVETOCATEGORY', 'ONOFFLINEEVENT', 'ONAPPTEST']);

export interface BindRequest {
  clientId: string;
  applicationToken: string;
  actingUserId: number;
  params: Record<string, unknown>;
}

export function bindEvent(state: PortalState, request: BindRequest): true {
  const { params } = request;
  const event = String(params.event ?? params.EVENT ?? '').toUpperCase();
  if (!KNOWN_EVENTS.has(event)) throw new RestError(400, 'ERROR_EVENT_NOT_FOUND', 'Event not found');
  const offline = String(params.event_type ?? 'online').toLowerCase() === 'offline';
  const handler = offline ? '' : String(params.handler ?? params.HANDLER ?? '');
  if (!offline && !/^https?:\/\//.test(handler)) throw new RestError(400, 'ERROR_HANDLER_URL', `handler: "${handler}" is not an http(s) URL`);
  const authType = params.auth_type === undefined ? request.actingUserId : Number(params.auth_type);
  const authConnector = typeof params.auth_connector === 'string' && params.auth_connector !== '' ? params.auth_connector : null;
  if (state.bindings.some((b) => b.clientId === request.clientId && b.event === event && b.handler === handler && b.offline === offline))
    throw new RestError(400, 'ERROR_HANDLER_ALREADY_EXIST', 'Handler already exists!');
  state.bindings.push({
    id: allocateId(state, 'binding'),
    clientId: request.clientId,
    event,
    handler,
    authType,
    offline,
    authConnector,
    applicationToken: request.applicationToken,
  });
  return true;
}

export function unbindEvent(state: PortalState, clientId: string, params: Record<string, unknown>): { count: number } {
  const event = String(params.event ?? '').toUpperCase();
  const offline = String(params.event_type ?? 'online').toLowerCase() === 'offline';
  const handler = params.handler === undefined ? undefined : String(params.handler);
  const authType = params.auth_type === undefined ? undefined : Number(params.auth_type);
  const before = state.bindings.length;
  state.bindings = state.bindings.filter(
    (b) =>
      !(b.clientId === clientId && b.event === event && b.offline === offline && (handler === undefined || b.handler === handler) && (authType === undefined || authType === 0 || b.authType === authType)),
  );
  return { count: before - state.bindings.length };
}

export function listAppBindings(state: PortalState, clientId: string): Record<string, unknown>[] {
  return state.bindings
    .filter((b) => b.clientId === clientId)
    .map((b) => ({ event: b.event, handler: b.handler, auth_type: String(b.authType), offline: b.offline ? 1 : 0 }));
}

/** Outgoing webhooks behave like handler-bound subscriptions of no app: fixed token, no access tokens. */
export function subscriptionsFor(state: PortalState, outgoing: OutgoingWebhook[], event: string): EventBinding[] {
  const fromWebhooks: EventBinding[] = APP_ONLY_EVENTS.has(event)
    ? []
    : outgoing
        .map((w, index) => ({ w, index }))
        .filter(({ w }) => w.events.map((e) => e.toUpperCase()).includes(event))
        .map(({ w, index }) => ({
          id: 100_000 + index,
          clientId: null,
          event,
          handler: w.handlerUrl,
          authType: 0,
          offline: false,
          authConnector: null,
          applicationToken: w.applicationToken,
        }));
  return [...state.bindings.filter((b) => b.event === event), ...fromWebhooks];
}
