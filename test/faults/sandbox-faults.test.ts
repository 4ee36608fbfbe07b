import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultConfig } from '../../src/sandbox';
import { type RunningWorker } from '../../src/worker/create-worker';
import { connectToDevServer } from '../helpers/temporal';
import { type DealRun, dealWorkflowCount, effectDiscrepancies, openDeals, settledEffects, personalDataInSearchAttributes, startDealRun, startRunWorker, untilDiscountsWritten, winDeals } from './deal-run';

/**
 * One REST request in ten fails (503, 429 with a reset time, 500, a timeout before the call, an answer lost after
 * it), and one event in ten is duplicated or overtaken by later ones: every deal is still processed exactly once.
 */
const DEALS = 40;
const SEED = 7_300;
/** The client gives up after this; the portal hangs longer, so a timeout fault is a real client timeout. */
const REQUEST_TIMEOUT_MS = 2_000;
const FAULTS: FaultConfig = {
  seed: SEED,
  errorRates: { 503: 0.02, 429: 0.02, 500: 0.02, timeout: 0.02, lostResponse: 0.02 },
  operatingResetInSeconds: 2,
  hangMs: 3_000,
  events: { duplicateRate: 0.1, reorderRate: 0.1, reorderDelayMs: 2_500 },
};

describe('sandbox faults at 10 %', () => {
  let env: TestWorkflowEnvironment;
  let run: DealRun;
  let worker: RunningWorker;

  beforeAll(async () => {
    env = await connectToDevServer();
    run = await startDealRun({ client: env.client, label: 'faults', faults: FAULTS });
    worker = await startRunWorker({ connection: env.nativeConnection, client: env.client, namespace: env.namespace ?? 'default', run, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  });
  afterAll(async () => {
    await worker?.stop();
    await run?.stop();
    await env?.teardown();
  });

  it('processes every deal exactly once: no lost or repeated credit, count, comment or row', async () => {
    const deals = openDeals(run.sandbox, DEALS, SEED);
    await untilDiscountsWritten(run.sandbox, deals, 240_000);
    winDeals(run.sandbox, deals);
    const expected = await settledEffects(run.sandbox, deals, 240_000);

    // Every kind of fault struck, so the outcome is not luck.
    const stats = run.sandbox.stats();
    const log = run.sandbox.portal.eventLog();
    expect(stats.rejected503).toBeGreaterThan(0);
    expect(stats.rejected429).toBeGreaterThan(0);
    const duplicated = new Set(log.map((record) => record.body)).size < log.length;
    expect(duplicated).toBe(true);
    run.sandbox.setFaults({});
    expect(await effectDiscrepancies(env.client, run, deals, expected)).toEqual([]);
    expect(await dealWorkflowCount(env.client, run, deals)).toBe(DEALS);
    expect(await personalDataInSearchAttributes(env.client, run, deals)).toEqual([]);
  }, 600_000);
});
