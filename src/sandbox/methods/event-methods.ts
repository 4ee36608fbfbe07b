import { bindEvent, listAppBindings, unbindEvent } from '../events/bindings';
import { clearOffline, getOffline, listOffline, markOfflineErrors } from '../events/offline-queue';
import { just, type CallerAuth, type MethodTable } from './types';

/** Only reached with app auth: the server refuses appOnly methods for webhooks before running them. */
function clientIdOf(auth: CallerAuth): string {
  return auth.kind === 'app' ? auth.clientId : '';
}

export const EVENT_METHODS: MethodTable = {
  'event.bind': {
    appOnly: true,
    run: ({ ctx, params, auth, app }) =>
      just(bindEvent(ctx.state, { clientId: clientIdOf(auth), applicationToken: app(clientIdOf(auth)).applicationToken, actingUserId: auth.userId, params })),
  },
  'event.unbind': { appOnly: true, run: ({ ctx, params, auth }) => just(unbindEvent(ctx.state, clientIdOf(auth), params)) },
  'event.get': { appOnly: true, run: ({ ctx, auth }) => just(listAppBindings(ctx.state, clientIdOf(auth))) },
  'event.offline.get': { appOnly: true, run: ({ ctx, params, auth }) => just(getOffline(ctx.state, clientIdOf(auth), params, ctx.timeZone)) },
  'event.offline.clear': { appOnly: true, run: ({ ctx, params, auth }) => just(clearOffline(ctx.state, clientIdOf(auth), params)) },
  'event.offline.error': { appOnly: true, run: ({ ctx, params, auth }) => just(markOfflineErrors(ctx.state, clientIdOf(auth), params)) },
  'event.offline.list': { appOnly: true, run: ({ ctx, params, auth }) => listOffline(ctx.state, clientIdOf(auth), params, ctx.timeZone) },
};
