import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type FaultConfig, type SandboxHandle } from '../../src/sandbox';
import { call, callApp, post, resultOf, startEventHandler } from './helpers';

const APP = { clientId: 'local.loyalty', clientSecret: 'app-secret', applicationToken: 'app-token-123' };
const HOOK_TOKEN = 'outgoing-token-456';
const NO_TOKEN_AUTH_KEYS = ['auth[domain]', 'auth[server_endpoint]', 'auth[client_endpoint]', 'auth[member_id]', 'auth[application_token]'];

describe('sandbox outbound events', () => {
  let sandbox: SandboxHandle;
  let handler: Awaited<ReturnType<typeof startEventHandler>>;
  let token: string;

  async function start(faults?: FaultConfig): Promise<void> {
    handler = await startEventHandler();
    sandbox = await startSandbox({
      limits: false,
      oauthApps: [APP],
      outgoingWebhooks: [{ handlerUrl: `${handler.url}?from=webhook`, events: ['ONCRMDEALUPDATE', 'ONCRMDEALADD', 'ONCRMDEALMOVETOCATEGORY'], applicationToken: HOOK_TOKEN }],
      faults,
    });
    token = sandbox.issueOAuthToken(APP.clientId).accessToken;
  }

  const fromApp = () => handler.received.filter((e) => e.fields['auth[application_token]'] === APP.applicationToken);
  const fromWebhook = () => handler.received.filter((e) => e.fields['auth[application_token]'] === HOOK_TOKEN);
  const bind = (event: string, extra: Record<string, unknown> = {}) => callApp(sandbox, token, 'event.bind', { event, handler: handler.url, ...extra });

  beforeEach(() => start());
  afterEach(async () => {
    await sandbox.stop();
    await handler.close();
  });

  it('POSTs form-encoded events with exactly the documented keys to an outgoing webhook, without tokens', async () => {
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { TITLE: 'Renamed' } });
    await sandbox.portal.settleEvents();
    expect(handler.received).toHaveLength(1);
    const [event] = handler.received;
    expect(event!.contentType).toBe('application/x-www-form-urlencoded');
    expect(event!.keys).toEqual(['event', 'event_handler_id', 'data[FIELDS][ID]', 'ts', ...NO_TOKEN_AUTH_KEYS]);
    expect(event!.fields).toMatchObject({
      event: 'ONCRMDEALUPDATE',
      'data[FIELDS][ID]': '3',
      'auth[application_token]': HOOK_TOKEN,
      'auth[client_endpoint]': `${sandbox.baseUrl}/rest/`,
      'auth[domain]': new URL(sandbox.baseUrl).host,
    });
    expect(event!.raw).toContain('data%5BFIELDS%5D%5BID%5D=3');
  });

  it('sends app subscriptions usable access tokens in the captured key order', async () => {
    expect(resultOf(await bind('ONCRMDEALUPDATE'))).toBe(true);
    expect((await bind('ONCRMDEALUPDATE')).body.error).toBe('ERROR_HANDLER_ALREADY_EXIST');
    expect(resultOf<unknown[]>(await callApp(sandbox, token, 'event.get'))).toEqual([{ event: 'ONCRMDEALUPDATE', handler: handler.url, auth_type: '1', offline: 0 }]);
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { TITLE: 'For the app' } });
    await sandbox.portal.settleEvents();
    const [event] = fromApp();
    expect(event!.keys).toEqual([
      'event', 'event_handler_id', 'data[FIELDS][ID]', 'ts',
      'auth[access_token]', 'auth[expires]', 'auth[expires_in]', 'auth[scope]', 'auth[domain]', 'auth[server_endpoint]', 'auth[status]',
      'auth[client_endpoint]', 'auth[member_id]', 'auth[user_id]', 'auth[application_token]',
    ]);
    const readBack = await callApp(sandbox, event!.fields['auth[access_token]']!, 'crm.deal.get', { id: 3 });
    expect(resultOf<Record<string, string>>(readBack).TITLE).toBe('For the app');
    expect((await callApp(sandbox, token, 'event.unbind', { event: 'ONCRMDEALUPDATE', handler: handler.url })).body.result).toEqual({ count: 1 });
  });

  it('fires nothing for an update that changes nothing', async () => {
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { TITLE: 'Club membership for Vera' } });
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { UNKNOWN_FIELD: 'ignored' } });
    await call(sandbox, 'crm.deal.productrows.set', { id: 3, rows: [{ PRODUCT_ID: 5, PRICE: '5000.00', QUANTITY: 1 }] });
    await sandbox.portal.settleEvents();
    expect(handler.received).toHaveLength(0);
  });

  it('fires ONCRMDEALMOVETOCATEGORY (app only) instead of ONCRMDEALUPDATE on a pipeline move', async () => {
    await bind('ONCRMDEALMOVETOCATEGORY');
    await bind('ONCRMDEALUPDATE');
    await call(sandbox, 'crm.item.update', { entityTypeId: 2, id: 3, fields: { categoryId: 1 } });
    await sandbox.portal.settleEvents();
    expect(fromWebhook()).toHaveLength(0);
    expect(fromApp().map((e) => e.fields.event)).toEqual(['ONCRMDEALMOVETOCATEGORY']);
    expect(fromApp()[0]!.keys.slice(0, 6)).toEqual(['event', 'event_handler_id', 'data[FIELDS][ID]', 'data[FIELDS][CATEGORY_ID]', 'data[FIELDS][STAGE_ID]', 'ts']);
    expect(fromApp()[0]!.fields).toMatchObject({ 'data[FIELDS][ID]': '3', 'data[FIELDS][CATEGORY_ID]': '1', 'data[FIELDS][STAGE_ID]': 'C1:NEW' });
  });

  it('collapses identical events within one request but not across requests', async () => {
    await call(sandbox, 'batch', { cmd: ['crm.deal.update?id=3&fields[TITLE]=A', 'crm.deal.update?id=3&fields[COMMENTS]=B'] });
    await sandbox.portal.settleEvents();
    expect(handler.received).toHaveLength(1);
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { STAGE_ID: 'PREPARATION' } });
    await call(sandbox, 'crm.deal.productrows.set', { id: 3, rows: [{ PRODUCT_ID: 5, PRICE: 4000 }] });
    await sandbox.portal.settleEvents();
    expect(handler.received.map((e) => e.fields.event)).toEqual(['ONCRMDEALUPDATE', 'ONCRMDEALUPDATE', 'ONCRMDEALUPDATE']);
  });

  it('fires events for manager actions through the admin API and the portal object; robots send no tokens', async () => {
    await bind('ONCRMDEALUPDATE');
    const response = await post(`${sandbox.baseUrl}/sandbox/deals/3/stage`, { stageId: 'WON' });
    expect(response.body).toMatchObject({ ok: true, deal: { STAGE_ID: 'WON', STAGE_SEMANTIC_ID: 'S' } });
    sandbox.portal.deals.update(3, { COMMENTS: 'robot touched' }, { robot: true });
    await sandbox.portal.settleEvents();
    const appEvents = fromApp();
    expect(appEvents).toHaveLength(2);
    expect(appEvents[0]!.fields['auth[access_token]']).toBeDefined();
    expect(appEvents[1]!.keys).not.toContain('auth[access_token]');
    expect(appEvents[1]!.keys.filter((k) => k.startsWith('auth['))).toEqual(NO_TOKEN_AUTH_KEYS);
  });

  it('does not retry when the handler is down', async () => {
    await handler.close();
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { TITLE: 'lost' } });
    await sandbox.portal.settleEvents();
    handler = await startEventHandler();
    expect(sandbox.portal.eventLog().map((r) => r.status)).toEqual(['failed']);
    expect(sandbox.stats().eventsFailed).toBe(1);
  });

  it('drops, duplicates and strips tokens when configured', async () => {
    await bind('ONCRMDEALUPDATE');
    sandbox.setFaults({ seed: 7, events: { dropRate: 1 } });
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { TITLE: 'dropped' } });
    await sandbox.portal.settleEvents();
    expect(handler.received).toHaveLength(0);
    expect(sandbox.stats().eventsDropped).toBe(2);

    sandbox.setFaults({ seed: 7, events: { duplicateRate: 1, noTokenRate: 1 } });
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { TITLE: 'twice' } });
    await sandbox.portal.settleEvents();
    expect(fromWebhook()).toHaveLength(2);
    expect(fromApp()).toHaveLength(2);
    expect(fromApp().every((e) => !e.keys.includes('auth[access_token]'))).toBe(true);
  });

  it('reorders events by delaying some', async () => {
    sandbox.setFaults({ seed: 1, events: { reorderRate: 1, reorderDelayMs: 200 } });
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { TITLE: 'first' } });
    sandbox.setFaults({});
    await call(sandbox, 'crm.deal.update', { id: 4, fields: { TITLE: 'second' } });
    await sandbox.portal.settleEvents();
    expect(handler.received.map((e) => e.fields['data[FIELDS][ID]'])).toEqual(['4', '3']);
  });

  it('queues offline events coalesced per object, reserves them with process_id and clears them', async () => {
    expect(resultOf(await callApp(sandbox, token, 'event.bind', { event: 'ONCRMDEALUPDATE', event_type: 'offline', auth_connector: 'loyalty' }))).toBe(true);
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { TITLE: 'v1' } });
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { TITLE: 'v2' } });
    await call(sandbox, 'crm.deal.update', { id: 4, fields: { TITLE: 'v1' } });
    await callApp(sandbox, token, 'crm.deal.update', { id: 5, fields: { TITLE: 'own write' }, auth_connector: 'loyalty' });
    const listed = await callApp(sandbox, token, 'event.offline.list');
    expect(listed.body.total).toBe(2);

    const reserved = resultOf<{ process_id: string; events: { EVENT_NAME: string; EVENT_DATA: { FIELDS: { ID: string } } }[] }>(
      await callApp(sandbox, token, 'event.offline.get', { clear: 0 }),
    );
    expect(reserved.events.map((e) => [e.EVENT_NAME, e.EVENT_DATA.FIELDS.ID])).toEqual([
      ['ONCRMDEALUPDATE', '3'],
      ['ONCRMDEALUPDATE', '4'],
    ]);
    expect(resultOf<{ events: unknown[] }>(await callApp(sandbox, token, 'event.offline.get', { clear: 0 })).events).toEqual([]);
    const again = resultOf<{ events: unknown[] }>(await callApp(sandbox, token, 'event.offline.get', { clear: 0, process_id: reserved.process_id }));
    expect(again.events).toHaveLength(2);
    expect(resultOf(await callApp(sandbox, token, 'event.offline.clear', { process_id: reserved.process_id }))).toBe(true);
    expect((await callApp(sandbox, token, 'event.offline.list')).body.total).toBe(0);

    await call(sandbox, 'crm.deal.update', { id: 3, fields: { TITLE: 'v3' } });
    const consumed = resultOf<{ events: unknown[] }>(await callApp(sandbox, token, 'event.offline.get', {}));
    expect(consumed.events).toHaveLength(1);
    expect((await callApp(sandbox, token, 'event.offline.list')).body.total).toBe(0);
  });
});
