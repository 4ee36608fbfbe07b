/**
 * End-to-end latency with no rate pressure: a manager moves a deal into a discount stage → the portal's event →
 * bridge → deal workflow (coalescing window, one batch read, the customers' workflows queried, the group grant
 * recorded, one batch write) → the discount visible in the deal's product rows, polled in the portal's own state
 * every 2 ms. The portal is unlimited and the client's leaky bucket is off. Compared with the deal workflow's 2 s
 * coalescing window (workflows/deal.ts COALESCE_WINDOW), which every event waits out by design.
 * Prints and writes bench/results/deal-latency.json.
 *
 *   npx tsx bench/deal-latency.ts                          # 50 deals, 5 in flight, ~40 s
 *   npx tsx bench/deal-latency.ts --deals 100 --concurrency 1
 */
import { dealWorkflowId } from '../src/temporal/workflow-ids';
import { dealTimeline, medianTimeline } from './deal-timeline';
import { startLoyaltyStack } from './loyalty-stack';
import { latencySummary, positiveIntegerArg, runPool, sleep, writeResult } from './support';
import { dealBeforeDiscountStage, discountShown, existingCustomers, moveToDiscountStage } from './won-deal';

/** workflows/deal.ts COALESCE_WINDOW. */
const COALESCE_WINDOW_MS = 2_000;
const POLL_MS = 2;
const DEAL_TIMEOUT_MS = 60_000;

async function main(): Promise<void> {
  const dealCount = positiveIntegerArg(process.argv, '--deals', 50);
  const concurrency = positiveIntegerArg(process.argv, '--concurrency', 5);
  const stack = await startLoyaltyStack({ label: 'latency', limits: false });
  const { sandbox } = stack;
  try {
    const dealIds = existingCustomers(sandbox, stack.portal, dealCount + 1).map((pair) => dealBeforeDiscountStage(sandbox, pair));
    // One deal first, so the worker's first workflow task (bundle load, connections) is not in the figures.
    await untilDiscountShown(dealIds.pop()!);

    const measured: { dealId: number; movedAt: number; seenAt: number }[] = [];
    await runPool(dealIds.length, concurrency, async (index) => {
      const dealId = dealIds[index]!;
      const movedAt = Date.now();
      await untilDiscountShown(dealId);
      measured.push({ dealId, movedAt, seenAt: Date.now() });
    });
    const latencyMs = latencySummary(measured.map((deal) => deal.seenAt - deal.movedAt));
    const timelines = await Promise.all(
      measured.map((deal) => dealTimeline(stack.temporal, dealWorkflowId(stack.portal, deal.dealId), deal.movedAt, deal.seenAt)),
    );
    const medianSegmentsMs = medianTimeline(timelines);
    const result = {
      benchmark: 'deal-latency',
      at: new Date().toISOString(),
      deals: dealCount,
      concurrency,
      latencyMs,
      coalesceWindowMs: COALESCE_WINDOW_MS,
      beyondCoalesceWindowMs: { p50: latencyMs.p50 - COALESCE_WINDOW_MS, p99: latencyMs.p99 - COALESCE_WINDOW_MS },
      medianSegmentsMs,
    };
    console.log(`${dealCount} deals moved into a discount stage, ${concurrency} in flight, unlimited portal`);
    console.log(`event → discount in the deal's rows: p50 ${latencyMs.p50.toFixed(0)} ms, p99 ${latencyMs.p99.toFixed(0)} ms, max ${latencyMs.max.toFixed(0)} ms`);
    console.log(
      `of which the coalescing window (by design): ${COALESCE_WINDOW_MS} ms; the rest (delivery, bridge, Temporal, reads, planning, write): ` +
        `p50 ${result.beyondCoalesceWindowMs.p50.toFixed(0)} ms, p99 ${result.beyondCoalesceWindowMs.p99.toFixed(0)} ms`,
    );
    console.log('median of each segment (from the deal workflows\' histories), ms:', medianSegmentsMs);
    console.log(`written ${await writeResult('deal-latency', result)}`);
  } finally {
    await stack.stop();
  }

  async function untilDiscountShown(dealId: number): Promise<void> {
    const moved = performance.now();
    moveToDiscountStage(sandbox, dealId);
    while (!discountShown(sandbox, dealId)) {
      if (performance.now() - moved > DEAL_TIMEOUT_MS) throw new Error(`deal ${dealId}: no discount after ${DEAL_TIMEOUT_MS / 1000} s`);
      await sleep(POLL_MS);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
