import { spawn } from 'node:child_process';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToDevServer } from '../helpers/temporal';
import { spawnLoyaltyWorker, type WorkerProcess } from '../helpers/worker-process';
import { type DealRun, dealWorkflowCount, effectDiscrepancies, openDeals, settledEffects, startDealRun, untilDiscountsWritten, winDeals } from './deal-run';

/**
 * The real `loyalty worker` process is SIGKILLed again and again while a thousand deals go through discounts and
 * wins; afterwards every deal's cashback, purchase count, comment and row must exist exactly once.
 * LOYALTY_FAULT_DEALS lowers the count for a quick local run; CI runs the thousand.
 */
const DEALS = Number(process.env.LOYALTY_FAULT_DEALS ?? 1000);
const SEED = 7_100;
/** Between kills: long enough for a new worker to start and pick up work, short enough to kill it mid-flight. */
const KILL_INTERVAL_MS = { min: 8_000, max: 20_000 };
/** Per phase (discounts, then wins): generous for a loaded 2-core machine. */
const PHASE_TIMEOUT_MS = Math.max(600_000, DEALS * 1_500);
/**
 * The portal's own key, and its pace: the run's sandbox portal has no request limit, like a self-hosted portal with
 * REST limits off, so the worker is told the rate such a server allows. At a cloud plan's 5/s the thousand deals
 * would need half an hour of pure pacing.
 */
const WORKER_ENV = (portal: string) => ({ LOYALTY_PORTAL: portal, LOYALTY_BITRIX24_PLAN: 'self-hosted', LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND: '40' });

function killTree(worker: WorkerProcess): Promise<void> {
  const pid = worker.child.pid;
  if (pid === undefined || worker.child.exitCode !== null || worker.child.signalCode !== null) return Promise.resolve();
  // tsx runs the CLI in a child node process: kill it and its parent at once, as a crash would.
  return new Promise((resolve) => {
    spawn('pkill', ['-KILL', '-P', String(pid)]).once('exit', () => {
      worker.child.kill('SIGKILL');
      void worker.exited.then(() => resolve());
    });
  });
}

/** Kills the worker at seeded random moments and starts a fresh one each time, until told to stop. */
function keepKilling(start: () => Promise<WorkerProcess>, first: WorkerProcess) {
  const pauses = fc.sample(fc.integer(KILL_INTERVAL_MS), { numRuns: 1_000, seed: SEED });
  let current = first;
  let kills = 0;
  let stopping = false;
  const loop = (async () => {
    for (const pause of pauses) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      if (stopping) return;
      await killTree(current);
      kills++;
      current = await start();
    }
  })();
  return {
    get kills() {
      return kills;
    },
    /** Stops killing and leaves the last worker running, so the ledgers can be queried. */
    async stop(): Promise<WorkerProcess> {
      stopping = true;
      await loop;
      return current;
    },
  };
}

describe(`a worker SIGKILLed repeatedly during a ${DEALS}-deal run`, () => {
  let env: TestWorkflowEnvironment;
  let run: DealRun;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    env = await connectToDevServer();
    run = await startDealRun({ client: env.client, label: 'sigkill' });
  });
  afterAll(async () => {
    for (const worker of workers) await killTree(worker);
    await run?.stop();
    await env?.teardown();
  });

  it('loses nothing and repeats no effect', async () => {
    const startWorker = async () => {
      const worker = await spawnLoyaltyWorker({ taskQueue: run.portal, webhookUrl: run.sandbox.webhookUrl, env: WORKER_ENV(run.portal) });
      workers.push(worker);
      return worker;
    };
    const killer = keepKilling(startWorker, await startWorker());

    const deals = openDeals(run.sandbox, DEALS, SEED);
    await untilDiscountsWritten(run.sandbox, deals, PHASE_TIMEOUT_MS);
    const killsWhileDiscounting = killer.kills;
    winDeals(run.sandbox, deals);
    const expected = await settledEffects(run.sandbox, deals, PHASE_TIMEOUT_MS);
    await killer.stop();

    // Kills landed in both phases, so some were in the middle of CRM calls and workflow messages.
    expect(killsWhileDiscounting).toBeGreaterThanOrEqual(1);
    expect(killer.kills - killsWhileDiscounting).toBeGreaterThanOrEqual(1);
    expect(await effectDiscrepancies(env.client, run, deals, expected)).toEqual([]);
    expect(await dealWorkflowCount(env.client, run, deals)).toBe(DEALS);
    console.log(`[sigkill] ${DEALS} deals, ${killer.kills} kills (${killsWhileDiscounting} while discounting)`);
  }, PHASE_TIMEOUT_MS * 2);
});
