/**
 * Scale of entities: C customers' cashback workflows through a year of workflow time on the Java time-skipping
 * server — several won deals per customer spread over the year (started and signalled exactly as
 * activities/customer-workflows.ts does), each lot's expiry timer, and the year-end reset — with one loyalty worker
 * (production tuning defaults unless --cached-workflows says otherwise) in this process. Reports the process's memory before and after, and each customer's
 * history over the year summed over all its runs (following continue-as-new), the longest single run and the
 * number of runs. The CRM projection activity is a no-op counter here: the subject is worker memory and history
 * size, not Bitrix24 traffic, and a sandbox in the same process would blur the memory figures.
 * Prints and writes bench/results/customer-year.json.
 *
 *   npx tsx bench/customer-year.ts                       # 10 000 customers (long on a small machine)
 *   npx tsx bench/customer-year.ts --customers 1000 --deals-per-customer 4 --cached-workflows 100
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { DateTime } from 'luxon';
import { customerSearchAttributes } from '../activities/customer-workflows';
import { loadProgramme } from '../src/config/load-programme';
import { cashbackAmountFor } from '../src/domain/cashback-rules';
import type { Programme } from '../src/domain/programme';
import { createTimeSkippingEnvironment } from '../src/temporal/time-skipping';
import { resolveTimeSkippingServer } from '../src/temporal/tools';
import { contactWorkflowId } from '../src/temporal/workflow-ids';
import { createBitrix24Worker, createLoyaltyWorker, runWorker } from '../src/worker/create-worker';
import { readWorkerTuning } from '../src/worker/tuning';
import { cashback, cashbackPolicyOf, dealWonSignal } from '../workflows/cashback';
import { PROGRAMME_FILE, quietTemporalRuntime } from './loyalty-stack';
import { memoryMiB, positiveIntegerArg, runPool, writeResult } from './support';

const DAY_MS = 86_400_000;
const DAYS_IN_YEAR = 365;
/** Past the reset at the end of 31 December, so every year-end timer has fired. */
const DAYS_SIMULATED = DAYS_IN_YEAR + 2;
const SIGNAL_CONCURRENCY = 32;
const HISTORY_CONCURRENCY = 16;
const DEAL_AMOUNT_MINOR = 30_000_00;

interface CustomerHistory {
  runs: number;
  events: number;
  longestRun: number;
}

/** The days (0..364) on which customer `index` wins a deal: spread over the year, different per customer. */
function dealDays(index: number, dealsPerCustomer: number): number[] {
  const spacing = Math.floor(DAYS_IN_YEAR / dealsPerCustomer);
  const offset = (index * 7919) % spacing;
  return Array.from({ length: dealsPerCustomer }, (_, k) => offset + k * spacing);
}

function firstJanuaryNoonAfter(instant: number, timeZone: string): number {
  const local = DateTime.fromMillis(instant, { zone: timeZone }).plus({ years: 1 });
  return local.set({ month: 1, day: 1, hour: 12, minute: 0, second: 0, millisecond: 0 }).toMillis();
}

/** Every run of the workflow, first to last, through continue-as-new. */
async function historyOf(client: Client, workflowId: string, firstRunId: string): Promise<CustomerHistory> {
  const result: CustomerHistory = { runs: 0, events: 0, longestRun: 0 };
  let runId: string | undefined = firstRunId;
  while (runId !== undefined) {
    const events: temporal.api.history.v1.IHistoryEvent[] = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
    result.runs += 1;
    result.events += events.length;
    result.longestRun = Math.max(result.longestRun, events.length);
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return result;
}

async function main(): Promise<void> {
  const customers = positiveIntegerArg(process.argv, '--customers', 10_000);
  const dealsPerCustomer = positiveIntegerArg(process.argv, '--deals-per-customer', 4);
  const production = readWorkerTuning({});
  const tuning = { ...production, maxCachedWorkflows: positiveIntegerArg(process.argv, '--cached-workflows', production.maxCachedWorkflows) };
  const programme: Programme = loadProgramme(PROGRAMME_FILE);
  const server = resolveTimeSkippingServer();
  if (server.executable.type !== 'existing-path') throw new Error('Java time-skipping server not found: run `bash scripts/temporal-tools.sh`');
  // The test server holds every history in memory; at its default 512 MiB heap thousands of customers' year make it
  // collect garbage most of the time and the run crawls (measured: 10 000 customers, day 210 → 240 took 523 s); at
  // 4 GiB it ran out of memory after day 330.
  process.env.TEMPORAL_TEST_SERVER_HEAP ??= '12g';
  quietTemporalRuntime();
  const memoryAtStart = memoryMiB();
  const env = await createTimeSkippingEnvironment(server.executable);
  const portal = `bench-year-${randomUUID().slice(0, 8)}`;
  let projections = 0;
  let notices = 0;
  // The projection runs on the portal's Bitrix24 queue, as in production: without a worker there the time-skipping
  // server would wait for it forever.
  const worker = runWorker(
    await createLoyaltyWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue: portal, activities: {}, tuning }),
    await createBitrix24Worker({
      connection: env.nativeConnection,
      namespace: 'default',
      portal,
      activities: { projectCashbackBalance: async () => void (projections += 1), notifyManager: async () => void (notices += 1) },
      activitiesPerSecond: 1_000_000,
      tuning,
    }),
  );
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 1000);
  try {
    const memoryWithWorker = memoryMiB();
    const started = performance.now();
    await env.sleep(firstJanuaryNoonAfter(await env.currentTimeMs(), programme.timeZone) - (await env.currentTimeMs()));

    const firstRunIds = new Map<number, string>();
    const byDay = new Map<number, number[]>();
    for (let contactId = 1; contactId <= customers; contactId++) {
      for (const day of dealDays(contactId, dealsPerCustomer)) byDay.set(day, [...(byDay.get(day) ?? []), contactId]);
    }
    const policy = cashbackPolicyOf(programme.cashback, programme.timeZone);
    const cashbackMinor = cashbackAmountFor(DEAL_AMOUNT_MINOR, 0, programme.cashback);
    let dealId = 0;
    for (let day = 0; day < DAYS_SIMULATED; day++) {
      const wonAt = await env.currentTimeMs();
      const winners = byDay.get(day) ?? [];
      await runPool(winners.length, SIGNAL_CONCURRENCY, async (index) => {
        const contactId = winners[index]!;
        const thisDeal = ++dealId;
        const handle = await env.client.workflow.signalWithStart(cashback, {
          workflowId: contactWorkflowId(portal, 'cashback', contactId),
          taskQueue: portal,
          args: [{ portal, contactId, policy }],
          typedSearchAttributes: customerSearchAttributes(portal, contactId, 'cashback'),
          signal: dealWonSignal,
          signalArgs: [{ dealId: thisDeal, cashbackMinor, wonAt, reason: `cashback on deal ${thisDeal}` }],
        });
        if (!firstRunIds.has(contactId)) firstRunIds.set(contactId, handle.signaledRunId);
      });
      await env.sleep(DAY_MS);
      if (day % 30 === 0 || day >= DAYS_IN_YEAR - 30) console.log(`day ${day}: ${dealId} deals signalled, ${projections} projections, rss ${memoryMiB().rss} MiB, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    const simulatedSeconds = (performance.now() - started) / 1000;
    const memoryAfterYear = memoryMiB();

    const histories: CustomerHistory[] = [];
    const ids = [...firstRunIds.entries()];
    await runPool(ids.length, HISTORY_CONCURRENCY, async (index) => {
      const [contactId, runId] = ids[index]!;
      histories.push(await historyOf(env.client, contactWorkflowId(portal, 'cashback', contactId), runId));
    });
    const events = histories.map((h) => h.events).sort((a, b) => a - b);
    const result = {
      benchmark: 'customer-year',
      at: new Date().toISOString(),
      customers,
      dealsPerCustomer,
      dealsSignalled: dealId,
      simulatedDays: DAYS_SIMULATED,
      wallSeconds: simulatedSeconds,
      crmProjections: { calls: projections, activity: 'no-op counter (not the Bitrix24 client)' },
      managerNotices: { calls: notices, activity: 'no-op counter (accrual notices and expiry reminders)' },
      workerTuning: tuning,
      memoryMiB: { processStart: memoryAtStart, workerStarted: memoryWithWorker, afterYear: memoryAfterYear, peakRss: Math.round((peakRss / 1024 / 1024) * 10) / 10 },
      memoryNote:
        'heapUsed is the main thread only: the SDK runs workflows in a worker thread, whose heap and the cached workflows show in rss. ' +
        'workerStarted includes bundling the workflows with webpack at start (production uses a prebuilt bundle).',
      historyPerCustomerYear: {
        meanEvents: events.reduce((sum, n) => sum + n, 0) / events.length,
        medianEvents: events[Math.floor(events.length / 2)] ?? 0,
        maxEvents: events.at(-1) ?? 0,
        longestSingleRun: Math.max(...histories.map((h) => h.longestRun)),
        totalRuns: histories.reduce((sum, h) => sum + h.runs, 0),
        customersWithContinueAsNew: histories.filter((h) => h.runs > 1).length,
      },
    };
    console.log(`${customers} customers × ${dealsPerCustomer} won deals over ${DAYS_SIMULATED} days of workflow time: ${simulatedSeconds.toFixed(0)} s wall`);
    console.log('memory (MiB):', result.memoryMiB);
    console.log('history per customer-year (all runs):', result.historyPerCustomerYear);
    console.log(`CRM projections (no-op activity): ${projections}; manager notices, accruals and reminders (no-op activity): ${notices}`);
    // A non-default cache is a comparison run: it must not replace the production-tuning figures.
    const name = tuning.maxCachedWorkflows === production.maxCachedWorkflows ? 'customer-year' : `customer-year-cache-${tuning.maxCachedWorkflows}`;
    console.log(`written ${await writeResult(name, result)}`);
  } finally {
    clearInterval(sampler);
    await worker.stop();
    await env.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
