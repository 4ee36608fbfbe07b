/**
 * Bitrix24 hits per won deal: the full processing of N won deals by the real engine (sandbox portal → outgoing
 * webhook → bridge → deal workflow → activities → sandbox), counted by the portal itself: HTTP requests received
 * versus REST commands performed (a batch's members counted one by one). The commands, each sent as its own HTTP
 * call, are what a setup with one REST call per operation (robots, naive scripts) would send for the same work.
 * Echo events of the engine's own writes are delivered and processed too, as on a real portal.
 * Prints and writes bench/results/deal-hits.json.
 *
 *   npx tsx bench/deal-hits.ts               # 20 deals, ~1 min
 *   npx tsx bench/deal-hits.ts --deals 50
 */
import { startLoyaltyStack, waitForQuietPortal } from './loyalty-stack';
import { positiveIntegerArg, waitFor, writeResult } from './support';
import {
  customersThroughCrm,
  discountShown,
  existingCustomers,
  openDealInCrm,
  perDeal,
  trafficBetween,
  winDeal,
  winProjected,
  type PortalTraffic,
} from './won-deal';

const QUIET_MS = 5_000;
const PHASE_TIMEOUT_MS = 180_000;
const NEW_CUSTOMERS = 10;

interface Phase {
  total: PortalTraffic;
  perDeal: PortalTraffic;
}

function phase(total: PortalTraffic, deals: number): Phase {
  return { total, perDeal: perDeal(total, deals) };
}

async function main(): Promise<void> {
  const dealCount = positiveIntegerArg(process.argv, '--deals', 20);
  const stack = await startLoyaltyStack({ label: 'hits', limits: false });
  const { sandbox } = stack;
  try {
    // Onboarding a new customer is a one-off per contact, measured apart from the deals.
    let before = sandbox.stats();
    customersThroughCrm(sandbox, NEW_CUSTOMERS);
    await waitForQuietPortal(sandbox, QUIET_MS, PHASE_TIMEOUT_MS);
    const onboarding = phase(trafficBetween(before, sandbox.stats()), NEW_CUSTOMERS);

    const customers = existingCustomers(sandbox, stack.portal, dealCount);
    before = sandbox.stats();
    const dealIds = customers.map((pair) => openDealInCrm(sandbox, pair));
    await waitFor('discounts on every deal', () => dealIds.every((id) => discountShown(sandbox, id)), { timeoutMs: PHASE_TIMEOUT_MS });
    await waitForQuietPortal(sandbox, QUIET_MS, PHASE_TIMEOUT_MS);
    const discountStage = trafficBetween(before, sandbox.stats());

    const beforeWin = sandbox.stats();
    for (const id of dealIds) winDeal(sandbox, id);
    await waitFor('every win projected', () => customers.every((pair) => winProjected(sandbox, pair)), { timeoutMs: PHASE_TIMEOUT_MS });
    await waitForQuietPortal(sandbox, QUIET_MS, PHASE_TIMEOUT_MS);
    const won = trafficBetween(beforeWin, sandbox.stats());
    const whole = trafficBetween(before, sandbox.stats());

    const engineHits = whole.httpRequests / dealCount;
    const oneCallPerCommand = whole.restCommands / dealCount;
    const result = {
      benchmark: 'deal-hits',
      at: new Date().toISOString(),
      deals: dealCount,
      scenario: '2 contacts (payer in the Staff group, 15 %), 3 product rows; opened in PREPARATION (Sales), moved to WON after the discount showed',
      perWonDeal: { httpRequests: engineHits, restCommands: oneCallPerCommand, naiveToEngineRatio: oneCallPerCommand / engineHits },
      phases: { discountStage: phase(discountStage, dealCount), won: phase(won, dealCount), whole: phase(whole, dealCount) },
      newCustomerOnboarding: { customers: NEW_CUSTOMERS, perCustomer: onboarding.perDeal },
      note:
        'restCommands counts every command of a batch, including the deal read\'s unused third contact slot (DEAL_CONTACT_SLOTS = 3, the deals have 2): ' +
        'the naive figure is slightly generous to the naive side by one command per deal read.',
    };
    console.log(`${dealCount} won deals, each: ${result.scenario}`);
    console.log(`per won deal: ${engineHits.toFixed(2)} HTTP requests (engine) vs ${oneCallPerCommand.toFixed(2)} REST commands = one call per operation; naive/engine ${result.perWonDeal.naiveToEngineRatio.toFixed(2)}×`);
    console.log('  discount stage, per deal:', result.phases.discountStage.perDeal);
    console.log('  won, per deal:', result.phases.won.perDeal);
    console.log(`onboarding a new customer (apart): ${onboarding.perDeal.httpRequests} HTTP requests, ${onboarding.perDeal.restCommands} commands`, onboarding.perDeal.byMethod);
    console.log(`written ${await writeResult('deal-hits', result)}`);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
