import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createWebhookClient } from '../../src/bitrix24';
import { startBridge } from '../../src/bridge';
import { reconcileCommand } from '../../src/cli/reconcile';
import { reconcilerScheduleId } from '../../src/intake/ids';
import { describeReconciler, ensureReconcilerSchedule, triggerReconciler } from '../../src/intake/reconciler-schedule';
import { startSandbox, type FaultConfig, type SandboxHandle } from '../../src/sandbox';
import { startDevServer } from '../../src/temporal/dev-server';
import { resolveDevServer } from '../../src/temporal/tools';
import { type ReconcilerResult } from '../../workflows/reconciler';
import { closedPort } from '../bridge/closed-port';
import { recordHistory } from '../helpers/histories';
import { connectToDevServer, eventually, uniqueTaskQueue } from '../helpers/temporal';
import { accrualsOf, addWonDeal, dealPassesOf, purchaseCountOf, startPortalWorker } from './intake-harness';

const HOUR_MS = 3_600_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A portal whose outgoing webhook posts deal updates to a bridge in front of the given Temporal. */
async function portalBehindBridge(portal: string, temporal: Client | { address: string; namespace: string }, faults?: FaultConfig): Promise<SandboxHandle> {
  const identity = { key: portal, memberId: `member-${portal}`, applicationToken: `token-${portal}` };
  const bridge = await startBridge({ portals: [identity], temporal, taskQueue: portal, logger: false, temporalDeadlineMs: 1500 });
  cleanups.push(() => bridge.stop());
  const sandbox = await startSandbox({
    limits: false,
    portal: { memberId: identity.memberId },
    outgoingWebhooks: [{ handlerUrl: `${bridge.url}/bitrix24/events`, events: ['ONCRMDEALUPDATE'], applicationToken: identity.applicationToken }],
    ...(faults ? { faults } : {}),
  });
  cleanups.push(() => sandbox.stop());
  return sandbox;
}

/** Runs `loyalty reconcile <action>` in process and returns what it printed. */
async function reconcileCli(action: 'now' | 'status', portal: string): Promise<string[]> {
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(...String(line).split('\n')));
  try {
    await reconcileCommand().parseAsync([action, '--portal', portal, '--temporal-address', inject('temporalAddress')], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return printed;
}

async function lastRunResult(client: Client, portal: string): Promise<ReconcilerResult | null> {
  const runs = (await describeReconciler(client, portal)).recentRuns;
  return runs.at(-1)?.result ?? null;
}

/** Every won deal credited exactly once to its buyer and counted once, once the path that reached it has settled. */
async function expectEachCreditedOnce(client: Client, portal: string, won: { dealId: number; buyerId: number }[], cashbackMinor: number): Promise<void> {
  for (const { dealId, buyerId } of won) {
    expect(await accrualsOf(client, portal, buyerId)).toEqual([{ key: `deal:${dealId}`, amount: cashbackMinor }]);
    expect(await purchaseCountOf(client, portal, buyerId)).toBe(1);
    expect((await dealPassesOf(client, portal, dealId))?.wins).toBe(1);
  }
}

describe('reconciler on the shared dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectToDevServer();
  });
  afterAll(async () => env?.teardown());

  it('with 20 % of events dropped, one reconciler run processes every won deal exactly once', async () => {
    const portal = uniqueTaskQueue('reconcile');
    const sandbox = await portalBehindBridge(portal, env.client, { seed: 20, events: { dropRate: 0.2 } });
    const bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl });
    const worker = await startPortalWorker({ connection: env.nativeConnection, client: env.client, bitrix, taskQueue: portal });
    cleanups.push(() => worker.stop());

    const won = Array.from({ length: 20 }, () => addWonDeal(sandbox, '10000.00'));
    await sandbox.portal.settleEvents();
    const deliveries = sandbox.portal.eventLog();
    const dropped = new Set(deliveries.filter((d) => d.status === 'dropped').map((d) => Number(new URLSearchParams(d.body).get('data[FIELDS][ID]'))));
    expect(deliveries).toHaveLength(20);
    expect(dropped.size).toBeGreaterThan(0);
    expect(deliveries.filter((d) => d.status === 'delivered')).toHaveLength(20 - dropped.size);

    // The delivered events are processed; the dropped deals stay unknown to the engine until the reconciler runs.
    const delivered = won.filter((deal) => !dropped.has(deal.dealId));
    for (const { buyerId } of delivered) await eventually(async () => (await accrualsOf(env.client, portal, buyerId)).length === 1);
    for (const { dealId, buyerId } of won.filter((deal) => dropped.has(deal.dealId))) {
      expect(await dealPassesOf(env.client, portal, dealId)).toBeNull();
      expect(await accrualsOf(env.client, portal, buyerId)).toEqual([]);
    }

    const wonIds = won.map((deal) => deal.dealId);
    const newestChangeBeforeRun = Math.max(...wonIds.map((id) => Date.parse(String(sandbox.portal.deals.get(id)!.DATE_MODIFY))));
    expect(await ensureReconcilerSchedule(env.client, { portal, taskQueue: portal, everyMs: HOUR_MS, lookBackMs: 60_000 })).toBe('created');
    cleanups.push(() => env.client.schedule.getHandle(reconcilerScheduleId(portal)).delete());
    await triggerReconciler(env.client, portal);
    await eventually(async () => (await lastRunResult(env.client, portal)) !== null, 60_000);
    const run = (await lastRunResult(env.client, portal))!;
    expect(run.dealsSignalled).toBeGreaterThanOrEqual(won.length);
    // The checkpoint is the portal's own DATE_MODIFY (the engine's own CRM writes may have moved it on since).
    expect(run.checkpointMs).toBeGreaterThanOrEqual(newestChangeBeforeRun);
    expect(run.checkpointMs % 1000).toBe(0);

    // Every deal got its reconcile notice: dropped deals are read once, delivered ones a second time (no change).
    for (const { dealId } of won) {
      const expectedPasses = dropped.has(dealId) ? 1 : 2;
      await eventually(async () => (await dealPassesOf(env.client, portal, dealId))?.passes === expectedPasses, 60_000);
    }
    await expectEachCreditedOnce(env.client, portal, won, 500_00);

    // `loyalty reconcile now`: the next run starts from the checkpoint minus the look-back, not a day back.
    expect(await reconcileCli('now', portal)).toEqual([`Reconciler triggered for portal "${portal}"; \`loyalty reconcile status\` shows its runs.`]);
    await eventually(async () => (await describeReconciler(env.client, portal)).recentRuns.filter((r) => r.result !== null).length === 2, 60_000);
    const second = (await lastRunResult(env.client, portal))!;
    expect(second.scannedFromMs).toBe(run.checkpointMs - 60_000);
    expect(second.checkpointMs).toBeGreaterThanOrEqual(run.checkpointMs);
    const status = await reconcileCli('status', portal);
    expect(status.slice(0, 2)).toEqual([`Schedule ${reconcilerScheduleId(portal)}`, '  every 3600 s, look-back 60 s, batch 200 deals']);
    expect(status[2]).toMatch(/^ {2}next run \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, 2 runs so far$/);
    expect(status.slice(3)).toEqual([run, second].map((r) => expect.stringContaining(`COMPLETED: ${r.dealsSignalled} deals re-read`)));
    const schedule = await describeReconciler(env.client, portal);
    await recordHistory(env.client.workflow.getHandle(schedule.recentRuns.at(-1)!.workflowId), 'reconciler-second-run');
    await expectEachCreditedOnce(env.client, portal, won, 500_00);
  });

  it('updates an existing schedule in place and keeps skipping overlapping runs', async () => {
    const portal = uniqueTaskQueue('reconcile-schedule');
    const options = { portal, taskQueue: portal, everyMs: HOUR_MS, lookBackMs: 60_000 };
    expect(await ensureReconcilerSchedule(env.client, options)).toBe('created');
    cleanups.push(() => env.client.schedule.getHandle(reconcilerScheduleId(portal)).delete());
    expect(await ensureReconcilerSchedule(env.client, { ...options, everyMs: 2 * HOUR_MS, lookBackMs: 120_000 })).toBe('updated');

    const description = await env.client.schedule.getHandle(reconcilerScheduleId(portal)).describe();
    expect(description.policies.overlap).toBe('SKIP');
    expect(description.spec.intervals?.map((i) => i.every)).toEqual([2 * HOUR_MS]);
    const status = await describeReconciler(env.client, portal);
    expect(status.input).toEqual({ portal, lookBackMs: 120_000, firstScanMs: 86_400_000, batchSize: 200 });
    expect(status.recentRuns).toEqual([]);
    await expect(ensureReconcilerSchedule(env.client, { ...options, everyMs: 10 })).rejects.toThrow('reconciler interval (ms): must be an integer of at least 1000, got 10');
  });
});

describe('reconciler across a Temporal outage (a dev server of its own)', () => {
  it('the bridge answers 503 while Temporal is down; once it is back, the reconciler recovers those deals', async () => {
    const resolved = resolveDevServer().executable;
    if (resolved.type !== 'existing-path') throw new Error('the Temporal CLI is needed: run scripts/temporal-tools.sh');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'loyalty-outage-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const serverOptions = { executable: resolved.path, port: await closedPort(), uiPort: await closedPort(), dbFile: path.join(dataDir, 'temporal.db'), namespace: 'default' };
    let server = await startDevServer(serverOptions);
    cleanups.push(() => server.stop());

    const portal = uniqueTaskQueue('outage');
    const sandbox = await portalBehindBridge(portal, { address: server.address, namespace: 'default' });
    const bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl });
    const connectAll = async () => {
      const connection = await Connection.connect({ address: server.address });
      const nativeConnection = await NativeConnection.connect({ address: server.address });
      const client = new Client({ connection });
      const worker = await startPortalWorker({ connection: nativeConnection, client, bitrix, taskQueue: portal });
      return {
        client,
        stop: async () => {
          await worker.stop();
          await nativeConnection.close();
          await connection.close();
        },
      };
    };
    const before = await connectAll();
    await ensureReconcilerSchedule(before.client, { portal, taskQueue: portal, everyMs: HOUR_MS, lookBackMs: 60_000 });
    await before.stop();
    await server.stop();

    const won = Array.from({ length: 3 }, () => addWonDeal(sandbox, '60000.00'));
    await sandbox.portal.settleEvents();
    expect(sandbox.portal.eventLog().map((d) => d.httpStatus)).toEqual([503, 503, 503]);

    server = await startDevServer(serverOptions);
    const after = await connectAll();
    cleanups.push(() => after.stop());
    for (const { dealId } of won) expect(await dealPassesOf(after.client, portal, dealId)).toBeNull();
    // The schedule survived the restart in the server's database; triggering it is all recovery takes.
    await triggerReconciler(after.client, portal);
    for (const { buyerId } of won) await eventually(async () => (await accrualsOf(after.client, portal, buyerId)).length === 1, 60_000);
    await expectEachCreditedOnce(after.client, portal, won, 4_200_00);
  });
});
