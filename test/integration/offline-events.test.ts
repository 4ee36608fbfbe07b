import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthClient, events, InMemoryTokenStore } from '../../src/bitrix24';
import { offlineIntakeWorkflowId } from '../../src/intake/ids';
import { ensureOfflineIntake, stopOfflineIntake } from '../../src/intake/offline-intake';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { offlineIntakeStatusQuery } from '../../workflows/offline-events';
import { recordHistory } from '../helpers/histories';
import { connectToDevServer, eventually, uniqueTaskQueue, type RunningWorker } from '../helpers/temporal';
import { accrualsOf, addWonDeal, dealPassesOf, purchaseCountOf, startPortalWorker } from './intake-harness';

const APP = { clientId: 'local.loyalty.offline', clientSecret: 'offline-app-secret', applicationToken: 'offline-application-token' };

describe('offline-events intake (application install) on the shared dev server', () => {
  let env: TestWorkflowEnvironment;
  let sandbox: SandboxHandle;
  let worker: RunningWorker;
  const portal = uniqueTaskQueue('offline');

  beforeAll(async () => {
    env = await connectToDevServer();
    sandbox = await startSandbox({ limits: false, oauthApps: [APP] });
    const issued = sandbox.issueOAuthToken(APP.clientId);
    const tokenStore = new InMemoryTokenStore([
      { memberId: issued.memberId, accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: issued.expiresAt * 1000, clientEndpoint: `${sandbox.baseUrl}/rest/` },
    ]);
    const bitrix = createOAuthClient({ memberId: issued.memberId, app: APP, tokenStore, tokenUrl: sandbox.oauthEndpoint, rateLimiter: false });
    for (const event of ['ONCRMDEALADD', 'ONCRMDEALUPDATE']) await bitrix.run(events.bind({ event, eventType: 'offline' }));
    worker = await startPortalWorker({ connection: env.nativeConnection, client: env.client, bitrix, taskQueue: portal });
  });
  afterAll(async () => {
    await stopOfflineIntake(env.client, portal).catch(() => undefined);
    await worker?.stop();
    await sandbox?.stop();
    await env?.teardown();
  });

  const offlineNotices = async (dealId: number) => {
    const { events: history } = await env.client.workflow.getHandle(`loyalty/${portal}/deal/deal-${dealId}`).fetchHistory();
    return (history ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'crmEvent').length;
  };

  it('processes every queued event once, clears exactly what it processed, and survives a failed clear', async () => {
    // Changes made while the engine is not polling: the portal keeps them, coalesced per deal.
    const before = Array.from({ length: 6 }, () => addWonDeal(sandbox, '10000.00'));
    const queued = sandbox.portal.offlineEvents();
    expect(queued).toHaveLength(12);

    // The first clear fails as if the worker died after signalling: the retry finishes that same reservation.
    sandbox.setFaults({ methods: ['event.offline.clear'], errorRates: { 500: 1 } });
    await ensureOfflineIntake(env.client, { portal, taskQueue: portal, pollIntervalMs: 1000, batchSize: 50 });
    await eventually(async () => sandbox.stats().byMethod['event.offline.clear'] !== undefined);
    expect(sandbox.portal.offlineEvents().every((event) => event.processId !== null)).toBe(true);
    sandbox.setFaults({});

    await eventually(async () => sandbox.portal.offlineEvents().length === 0, 30_000);
    for (const { buyerId } of before) await eventually(async () => (await accrualsOf(env.client, portal, buyerId)).length === 1, 30_000);

    // Changes while it polls are taken on the next poll.
    const later = Array.from({ length: 3 }, () => addWonDeal(sandbox, '10000.00'));
    for (const { buyerId } of later) await eventually(async () => (await accrualsOf(env.client, portal, buyerId)).length === 1, 30_000);
    await eventually(async () => sandbox.portal.offlineEvents().length === 0);

    for (const { dealId, buyerId } of [...before, ...later]) {
      expect(await accrualsOf(env.client, portal, buyerId)).toEqual([{ key: `deal:${dealId}`, amount: 500_00 }]);
      expect(await purchaseCountOf(env.client, portal, buyerId)).toBe(1);
      expect((await dealPassesOf(env.client, portal, dealId))?.wins).toBe(1);
    }
    // The interrupted batch was signalled twice (at least once, de-duplicated downstream); later ones once per record.
    for (const { dealId } of before) expect(await offlineNotices(dealId)).toBe(4);
    for (const { dealId } of later) expect(await offlineNotices(dealId)).toBeGreaterThanOrEqual(1);

    const intake = env.client.workflow.getHandle(offlineIntakeWorkflowId(portal));
    const status = await intake.query(offlineIntakeStatusQuery);
    expect(status.taken).toBe(12 + later.length * 2);
    expect(status.signalled).toBe(status.taken);

    // Starting it again (every worker start does) keeps the one running poller.
    await ensureOfflineIntake(env.client, { portal, taskQueue: portal, pollIntervalMs: 1000 });
    expect((await intake.describe()).runId).toBe((await env.client.workflow.getHandle(offlineIntakeWorkflowId(portal)).describe()).runId);
    await stopOfflineIntake(env.client, portal);
    await eventually(async () => (await intake.describe()).status.name === 'CANCELLED');
    await recordHistory(intake, 'offline-events-drain');
  });
});
