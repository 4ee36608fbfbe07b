import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type RunningDevServer } from '../../src/temporal/dev-server';
import { resolveDevServer } from '../../src/temporal/tools';
import { dealWorkflowId } from '../../src/temporal/workflow-ids';
import { type RunningWorker } from '../../src/worker/create-worker';
import { eventually } from '../helpers/temporal';
import { type DealRun, effectDiscrepancies, openDeals, settledEffects, startDealRun, startRunWorker, untilDiscountsWritten, winDeals } from './deal-run';

/**
 * A private dev server (never the shared one) with its SQLite file is stopped while deal workflows wait on their
 * timers, and started again on the same file: every timer fires after the restart and no deal is lost.
 */
const DEALS = 20;
const SEED = 7_200;
const NAMESPACE = 'default';

function temporalCli(): string {
  const { executable } = resolveDevServer();
  if (executable.type !== 'existing-path') throw new Error('the temporal CLI is needed (npm run setup:temporal)');
  return executable.path;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface TimerSpan {
  dealId: number;
  startedMs: number;
  firedMs: number | null;
}

/** When each timer of the deal's workflow was started and when it fired; cancelled timers are left out. */
async function timersOf(client: Client, portal: string, dealId: number): Promise<TimerSpan[]> {
  const { events } = await client.workflow.getHandle(dealWorkflowId(portal, dealId)).fetchHistory();
  const millis = (event: NonNullable<typeof events>[number]) => Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);
  const started = new Map<string, number>();
  const spans: TimerSpan[] = [];
  for (const event of events ?? []) {
    const timerId = event.timerStartedEventAttributes?.timerId ?? event.timerFiredEventAttributes?.timerId ?? event.timerCanceledEventAttributes?.timerId;
    if (!timerId) continue;
    if (event.timerStartedEventAttributes) {
      started.set(timerId, millis(event));
      continue;
    }
    if (event.timerFiredEventAttributes) spans.push({ dealId, startedMs: started.get(timerId)!, firedMs: millis(event) });
    started.delete(timerId);
  }
  return [...spans, ...[...started.values()].map((startedMs) => ({ dealId, startedMs, firedMs: null }))];
}

describe('the dev server restarted with its database file in the middle of a run', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loyalty-restart-'));
  let ports: { port: number; uiPort: number };
  let server: RunningDevServer;
  let connection: Connection;
  let native: NativeConnection;
  let client: Client;
  let worker: RunningWorker;
  let run: DealRun;

  const start = () => startDevServer({ executable: temporalCli(), ...ports, dbFile: path.join(dir, 'temporal.db'), namespace: NAMESPACE });

  beforeAll(async () => {
    ports = { port: await freePort(), uiPort: await freePort() };
    server = await start();
    connection = await Connection.connect({ address: server.address });
    native = await NativeConnection.connect({ address: server.address });
    client = new Client({ connection, namespace: NAMESPACE });
    run = await startDealRun({ client, label: 'restart' });
    worker = await startRunWorker({ connection: native, client, namespace: NAMESPACE, run });
  });
  afterAll(async () => {
    await worker?.stop();
    await run?.stop();
    await native?.close();
    await connection?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fires every timer that was pending across the restart and loses no deal', async () => {
    const deals = openDeals(run.sandbox, DEALS, SEED);
    // Every deal's notice is in Temporal (the bridge answered only after that), each workflow now waits on its timer.
    await eventually(async () => (await client.workflow.count(`LoyaltyPortal = '${run.portal}'`)).count === DEALS, 30_000);
    const stoppedAt = Date.now();
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    server = await start();
    const restartedAt = Date.now();

    await untilDiscountsWritten(run.sandbox, deals, 120_000);
    winDeals(run.sandbox, deals);
    const expected = await settledEffects(run.sandbox, deals, 120_000);

    expect(await effectDiscrepancies(client, run, deals, expected)).toEqual([]);
    const timers = (await Promise.all(deals.map((deal) => timersOf(client, run.portal, deal.dealId)))).flat();
    expect(timers.filter((timer) => timer.firedMs === null)).toEqual([]);
    // Timers started before the stop fired only after the restart: they lived in the database file, not in memory.
    const acrossRestart = timers.filter((timer) => timer.startedMs < stoppedAt && timer.firedMs! >= restartedAt - 1_000);
    expect(acrossRestart.length).toBeGreaterThanOrEqual(1);
    expect((await client.workflow.count(`LoyaltyPortal = '${run.portal}' AND WorkflowType = 'deal'`)).count).toBe(DEALS);
  }, 360_000);
});
