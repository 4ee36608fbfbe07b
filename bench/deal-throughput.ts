/**
 * Sustained throughput under a real limit: the sandbox portal limited like a cloud plan (burst 50, drain 2 req/s),
 * the engine's client pacing itself with its leaky bucket; N deals opened at once by managers, each moved to WON as
 * soon as its discount shows, each done when the win is projected on its customers, then until the portal is quiet.
 * Deals/s after the burst is compared with the physical ceiling of the plan: 2 req/s × 50 commands per batch =
 * 100 commands/s, divided by the commands one deal needs.
 * The default N = 40 keeps the run at ~3–4 minutes (≈ 11 requests per deal at 2/s); N = 100 takes ~9 minutes.
 * Prints and writes bench/results/deal-throughput.json.
 *
 *   npx tsx bench/deal-throughput.ts              # 40 deals, ~4 min
 *   npx tsx bench/deal-throughput.ts --deals 100  # ~9 min
 */
import { startLoyaltyStack, waitForQuietPortal } from './loyalty-stack';
import { positiveIntegerArg, sleep, writeResult } from './support';
import { discountShown, existingCustomers, openDealInCrm, trafficBetween, winDeal, winProjected } from './won-deal';

const LIMITS = { burst: 50, drainPerSecond: 2 };
/** Bitrix24's `batch` takes at most 50 commands. */
const COMMANDS_PER_BATCH = 50;
const QUIET_MS = 5_000;
const POLL_MS = 50;

async function main(): Promise<void> {
  const dealCount = positiveIntegerArg(process.argv, '--deals', 40);
  const stack = await startLoyaltyStack({ label: 'throughput', limits: LIMITS });
  const { sandbox } = stack;
  try {
    const customers = existingCustomers(sandbox, stack.portal, dealCount);
    // setupPortal's calls above went through the same bucket: start from a drained portal bucket.
    await sleep((LIMITS.burst / LIMITS.drainPerSecond) * 1000);
    const before = sandbox.stats();
    const started = performance.now();
    const dealIds = customers.map((pair) => openDealInCrm(sandbox, pair));

    const progress = dealIds.map((dealId, index) => ({ dealId, customers: customers[index]!, won: false, completedAt: null as number | null }));
    const completedAt = (): number[] => progress.flatMap((deal) => (deal.completedAt === null ? [] : [deal.completedAt]));
    let burstSpentAt: number | null = null;
    while (completedAt().length < dealCount) {
      await sleep(POLL_MS);
      if (burstSpentAt === null && sandbox.stats().httpRequests - before.httpRequests >= LIMITS.burst) burstSpentAt = performance.now();
      for (const deal of progress) {
        if (!deal.won && discountShown(sandbox, deal.dealId)) {
          winDeal(sandbox, deal.dealId);
          deal.won = true;
        } else if (deal.won && deal.completedAt === null && winProjected(sandbox, deal.customers)) {
          deal.completedAt = performance.now();
        }
      }
    }
    const lastRequestAt = await waitForQuietPortal(sandbox, QUIET_MS, 15 * 60_000);
    const traffic = trafficBetween(before, sandbox.stats());

    const requestsPerDeal = traffic.httpRequests / dealCount;
    const commandsPerDeal = traffic.restCommands / dealCount;
    const spent = burstSpentAt ?? started;
    // Requests after the burst arrive at the drain rate; each deal needs `requestsPerDeal` of them.
    const requestsPerSecondAfterBurst = (traffic.httpRequests - LIMITS.burst) / ((lastRequestAt - spent) / 1000);
    const dealsPerSecond = requestsPerSecondAfterBurst / requestsPerDeal;
    const ceilingDealsPerSecond = (LIMITS.drainPerSecond * COMMANDS_PER_BATCH) / commandsPerDeal;
    const result = {
      benchmark: 'deal-throughput',
      at: new Date().toISOString(),
      limits: LIMITS,
      deals: dealCount,
      wallSeconds: (lastRequestAt - started) / 1000,
      lastWinProjectedSeconds: (Math.max(...completedAt()) - started) / 1000,
      httpRequestsPerDeal: requestsPerDeal,
      restCommandsPerDeal: commandsPerDeal,
      portal503: traffic.rejected503,
      requestsPerSecondAfterBurst,
      dealsPerSecondAfterBurst: dealsPerSecond,
      dealsPerSecondOverall: dealCount / ((lastRequestAt - started) / 1000),
      ceilingDealsPerSecond,
      ratioToCeiling: dealsPerSecond / ceilingDealsPerSecond,
      boundBy: `HTTP requests per deal × ${1 / LIMITS.drainPerSecond} s = ${(requestsPerDeal / LIMITS.drainPerSecond).toFixed(2)} s per deal`,
      byMethodPerDeal: Object.fromEntries(Object.entries(traffic.byMethod).map(([method, count]) => [method, count / dealCount])),
    };
    console.log(`portal limits: burst ${LIMITS.burst}, drain ${LIMITS.drainPerSecond}/s; ${dealCount} won deals fed at once`);
    console.log(`per deal: ${requestsPerDeal.toFixed(2)} HTTP requests, ${commandsPerDeal.toFixed(2)} REST commands; 503s seen by the engine: ${traffic.rejected503}`);
    console.log(`after the burst: ${requestsPerSecondAfterBurst.toFixed(3)} req/s → ${dealsPerSecond.toFixed(4)} deals/s (overall incl. burst ${result.dealsPerSecondOverall.toFixed(4)} deals/s, ${result.wallSeconds.toFixed(0)} s)`);
    console.log(
      `physical ceiling ${LIMITS.drainPerSecond} req/s × ${COMMANDS_PER_BATCH} commands = ${LIMITS.drainPerSecond * COMMANDS_PER_BATCH} commands/s ÷ ${commandsPerDeal.toFixed(2)} = ` +
        `${ceilingDealsPerSecond.toFixed(3)} deals/s; achieved ${(result.ratioToCeiling * 100).toFixed(1)} % of it`,
    );
    console.log(`bounded by ${result.boundBy}: the engine's batches carry ${(commandsPerDeal / requestsPerDeal).toFixed(2)} commands per request, not ${COMMANDS_PER_BATCH}`);
    console.log(`written ${await writeResult('deal-throughput', result)}`);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
