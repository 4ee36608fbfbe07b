import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import fc from 'fast-check';
import { createActivities } from '../../activities';
import { createWebhookClient, LeakyBucket, setupPortal } from '../../src/bitrix24';
import { AxiosTransport } from '../../src/bitrix24/transport';
import { LOYALTY_FIELDS } from '../../src/bitrix24/loyalty-fields';
import { startBridge, type RunningBridge } from '../../src/bridge';
import { loadProgramme } from '../../src/config/load-programme';
import { cashbackAmountFor } from '../../src/domain/cashback-rules';
import { parseAmount } from '../../src/domain/money';
import { startSandbox, type FaultConfig, type SandboxHandle } from '../../src/sandbox';
import { contactWorkflowId, dealWorkflowId } from '../../src/temporal/workflow-ids';
import { cashbackQuery } from '../../workflows/cashback';
import { purchasesQuery } from '../../workflows/purchases';
import { createBitrix24Worker, runWorker, type RunningWorker } from '../../src/worker/create-worker';
import { PLAN_LIMITS } from '../../src/worker/portal-plan';
import { eventually, workflowBundle } from '../helpers/temporal';

/**
 * A portal whose deals reach the engine the production way: sandbox portal → outgoing webhook → bridge →
 * signal-with-start on the deal workflow. Fault tests run many deals through it and then check every effect
 * against the portal's own state and the customers' ledgers.
 */
export const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

const SALES_PIPELINE = 0;
const CURRENCY_EXPONENT = 2;

export interface DealRun {
  /** Portal key of the bridge = task queue of the worker, so runs never see each other's workflows. */
  portal: string;
  sandbox: SandboxHandle;
  bridge: RunningBridge;
  stop(): Promise<void>;
}

export async function startDealRun(options: { client: Client; label: string; faults?: FaultConfig }): Promise<DealRun> {
  const portal = `${options.label}-${randomUUID().slice(0, 8)}`;
  const identity = { key: portal, memberId: `member-${randomUUID()}`, applicationToken: `token-${randomUUID()}` };
  const bridge = await startBridge({ portals: [identity], temporal: options.client, taskQueue: portal, logger: false });
  const sandbox = await startSandbox({
    limits: false,
    portal: { memberId: identity.memberId },
    outgoingWebhooks: [{ handlerUrl: `${bridge.url}/bitrix24/events`, events: ['ONCRMDEALADD', 'ONCRMDEALUPDATE'], applicationToken: identity.applicationToken }],
  });
  await setupPortal(createWebhookClient({ webhookUrl: sandbox.webhookUrl }), { log: () => undefined });
  // Faults start after setup: the engine's fields exist, as on a portal where the engine was installed earlier.
  if (options.faults) sandbox.setFaults(options.faults);
  return {
    portal,
    sandbox,
    bridge,
    async stop() {
      await sandbox.stop();
      await bridge.stop();
    },
  };
}

/**
 * The worker pair of the loyalty process, in this process: workflows on the run's queue and Bitrix24 activities on
 * its portal queue at the enterprise plan's pace (the fastest the engine allows itself).
 */
export async function startRunWorker(parts: { connection: NativeConnection; client: Client; namespace: string; run: DealRun; requestTimeoutMs?: number }): Promise<RunningWorker> {
  const { connection, client, namespace, run } = parts;
  const transport = parts.requestTimeoutMs === undefined ? {} : { transport: new AxiosTransport({ timeoutMs: parts.requestTimeoutMs }) };
  const bitrix = createWebhookClient({ webhookUrl: run.sandbox.webhookUrl, rateLimiter: new LeakyBucket(PLAN_LIMITS.enterprise), ...transport });
  const activities = createActivities({ bitrix, temporal: client, programme, taskQueue: run.portal });
  const workflows = await Worker.create({ connection, namespace, taskQueue: run.portal, workflowBundle: workflowBundle(), activities });
  const bitrix24 = await createBitrix24Worker({ connection, namespace, portal: run.portal, activities, activitiesPerSecond: PLAN_LIMITS.enterprise.drainPerSecond });
  return runWorker(workflows, bitrix24);
}

/** A deal as the manager placed it: a buyer who pays, sometimes a companion, one product row. */
export interface PlacedDeal {
  dealId: number;
  payerId: number;
  contactIds: number[];
}

/** A buyer's personal data: distinctive values that must never show up in Temporal's search attributes. */
function personalDataOf(index: number) {
  const birthdate = new Date(Date.UTC(1970, 0, 1 + index * 37)).toISOString().slice(0, 10);
  return {
    NAME: `Yevdokia${index}`,
    LAST_NAME: `Zaitseva${index}`,
    BIRTHDATE: birthdate,
    PHONE: [{ VALUE: `+7916${String(5_550_000 + index)}`, VALUE_TYPE: 'MOBILE' }],
    EMAIL: [{ VALUE: `yevdokia.${index}@example.com`, VALUE_TYPE: 'WORK' }],
  };
}

/**
 * Opens `count` deals in the Sales pipeline's first stage for a pool of `count / 4` buyers (so most buyers have
 * several deals and their ledgers must keep each one apart), a third of them with a companion.
 */
export function openDeals(sandbox: SandboxHandle, count: number, seed: number): PlacedDeal[] {
  const buyers = Array.from({ length: Math.max(2, Math.ceil(count / 4)) }, (_, i) => sandbox.portal.contacts.add(personalDataOf(i)));
  const shape = fc.record({ payer: fc.nat(buyers.length - 1), companion: fc.option(fc.nat(buyers.length - 1), { freq: 2 }), price: fc.integer({ min: 1_000, max: 90_000 }) });
  return fc.sample(shape, { numRuns: count, seed }).map(({ payer, companion, price }) => {
    const payerId = buyers[payer]!;
    const contactIds = companion === null || buyers[companion] === payerId ? [payerId] : [payerId, buyers[companion]!];
    const dealId = sandbox.portal.deals.add({ TITLE: 'Fault run', CATEGORY_ID: SALES_PIPELINE, STAGE_ID: 'NEW', CONTACT_IDS: contactIds });
    sandbox.portal.deals.setProductRows(dealId, [{ PRODUCT_ID: 1, PRICE: `${price}.00`, QUANTITY: 1 }]);
    return { dealId, payerId, contactIds };
  });
}

export function winDeals(sandbox: SandboxHandle, deals: readonly PlacedDeal[]): void {
  for (const deal of deals) sandbox.portal.deals.setStage(deal.dealId, 'WON');
}

/** The portal's state as its admin API reports it (an HTTP reader, like a support engineer's script). */
async function admin<T>(sandbox: SandboxHandle, route: string): Promise<T> {
  const response = await fetch(`${sandbox.baseUrl}/sandbox/${route}`);
  if (!response.ok) throw new Error(`sandbox admin ${route}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

interface AdminDeal {
  deal: Record<string, unknown>;
  productRows: Record<string, unknown>[];
  timeline: { COMMENT: string }[];
}

interface AdminContact {
  contact: Record<string, unknown>;
}

const minorOf = (value: unknown): number => (value === undefined || value === null || value === '' ? 0 : parseAmount(String(value), CURRENCY_EXPONENT));

/** The deal's discount status written by the engine, or null while the engine has not looked at it. */
export function loyaltyStatusOf(sandbox: SandboxHandle, dealId: number): string | null {
  const value = sandbox.portal.deals.get(dealId)?.[LOYALTY_FIELDS.deal.status];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Waits until the engine wrote its discount status on every deal. */
export async function untilDiscountsWritten(sandbox: SandboxHandle, deals: readonly PlacedDeal[], timeoutMs: number): Promise<void> {
  await eventually(async () => deals.every((deal) => loyaltyStatusOf(sandbox, deal.dealId) !== null), timeoutMs);
}

/** What every won deal must have caused exactly once, derived from the portal's final state. */
export interface ExpectedEffects {
  cashbackKeysByPayer: Map<number, { key: string; amount: number }[]>;
  purchasesByContact: Map<number, number>;
}

async function expectedEffects(sandbox: SandboxHandle, deals: readonly PlacedDeal[]): Promise<ExpectedEffects> {
  const cashbackKeysByPayer = new Map<number, { key: string; amount: number }[]>();
  const purchasesByContact = new Map<number, number>();
  for (const placed of deals) {
    const { deal } = await admin<AdminDeal>(sandbox, `deals/${placed.dealId}`);
    const amount = cashbackAmountFor(minorOf(deal.OPPORTUNITY), 0, programme.cashback);
    cashbackKeysByPayer.set(placed.payerId, [...(cashbackKeysByPayer.get(placed.payerId) ?? []), { key: `deal:${placed.dealId}`, amount }]);
    for (const contactId of placed.contactIds) purchasesByContact.set(contactId, (purchasesByContact.get(contactId) ?? 0) + 1);
  }
  return { cashbackKeysByPayer, purchasesByContact };
}

const sum = (entries: { amount: number }[]): number => entries.reduce((total, entry) => total + entry.amount, 0);

/**
 * Waits until the portal shows every contact the balance and count its won deals call for, and returns those
 * effects. They are derived afresh each time: a discount write already under way when a deal was won still lands
 * before the engine reads the deal as won, so the amounts right after the win are not yet the final ones.
 */
export async function settledEffects(sandbox: SandboxHandle, deals: readonly PlacedDeal[], timeoutMs: number): Promise<ExpectedEffects> {
  let expected = await expectedEffects(sandbox, deals);
  await eventually(async () => {
    expected = await expectedEffects(sandbox, deals);
    return portalCaughtUp(sandbox, expected);
  }, timeoutMs);
  return expected;
}

/** Whether the portal shows every contact's final balance and count (the last thing the engine writes). */
async function portalCaughtUp(sandbox: SandboxHandle, expected: ExpectedEffects): Promise<boolean> {
  for (const [contactId, count] of expected.purchasesByContact) {
    const contact = sandbox.portal.contacts.get(contactId) ?? {};
    if (Number(contact[LOYALTY_FIELDS.contact.purchaseCount] ?? 0) !== count) return false;
    if (minorOf(contact[LOYALTY_FIELDS.contact.cashbackBalance]) !== sum(expected.cashbackKeysByPayer.get(contactId) ?? [])) return false;
  }
  return true;
}

/**
 * Every discrepancy between what the deals should have caused once and what the ledgers, the purchase counts and
 * the portal hold; [] when each effect happened exactly once.
 */
export async function effectDiscrepancies(client: Client, run: DealRun, deals: readonly PlacedDeal[], expected: ExpectedEffects): Promise<string[]> {
  const problems: string[] = [];
  const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
  for (const [contactId, count] of expected.purchasesByContact) {
    const want = [...(expected.cashbackKeysByPayer.get(contactId) ?? [])].sort(byKey);
    if (want.length > 0) {
      const account = await client.workflow.getHandle(contactWorkflowId(run.portal, 'cashback', contactId)).query(cashbackQuery);
      const accruals = account.history.filter((entry) => entry.kind === 'accrual').map((entry) => ({ key: entry.key, amount: entry.amount })).sort(byKey);
      if (JSON.stringify(accruals) !== JSON.stringify(want)) problems.push(`contact ${contactId}: accruals ${JSON.stringify(accruals)}, expected ${JSON.stringify(want)}`);
      if (account.balances.net !== sum(want)) problems.push(`contact ${contactId}: ledger balance ${account.balances.net}, expected ${sum(want)}`);
    }
    const purchases = await client.workflow.getHandle(contactWorkflowId(run.portal, 'purchases', contactId)).query(purchasesQuery);
    const counted = purchases.history.filter((decision) => decision.kind === 'counted');
    if (purchases.count !== count || counted.length !== count) problems.push(`contact ${contactId}: ${purchases.count} purchases (${counted.length} counted), expected ${count}`);

    const { contact } = await admin<AdminContact>(run.sandbox, `contacts/${contactId}`);
    const shownCount = Number(contact[LOYALTY_FIELDS.contact.purchaseCount] ?? 0);
    const shownBalance = minorOf(contact[LOYALTY_FIELDS.contact.cashbackBalance]);
    if (shownCount !== count) problems.push(`contact ${contactId}: portal shows ${shownCount} purchases, expected ${count}`);
    if (shownBalance !== sum(want)) problems.push(`contact ${contactId}: portal shows balance ${shownBalance}, expected ${sum(want)}`);
  }
  for (const placed of deals) problems.push(...(await dealDiscrepancies(run.sandbox, placed)));
  return problems;
}

/**
 * The deal itself: one product row as placed (never a duplicate) and each of the engine's timeline comments once.
 * When the engine's product-row discounts are to be checked too, this is where they go.
 */
async function dealDiscrepancies(sandbox: SandboxHandle, placed: PlacedDeal): Promise<string[]> {
  const problems: string[] = [];
  const { productRows, timeline } = await admin<AdminDeal>(sandbox, `deals/${placed.dealId}`);
  if (productRows.length !== 1 || Number(productRows[0]?.PRODUCT_ID) !== 1) problems.push(`deal ${placed.dealId}: product rows ${JSON.stringify(productRows)}`);
  const comments = timeline.map((entry) => entry.COMMENT);
  if (comments.length === 0) problems.push(`deal ${placed.dealId}: no discount comment`);
  const repeated = comments.filter((comment, index) => comments.indexOf(comment) !== index);
  if (repeated.length > 0) problems.push(`deal ${placed.dealId}: comments repeated ${JSON.stringify(repeated)}`);
  return problems;
}

/**
 * How many of the placed deals have a deal workflow: one id per deal, however many runs it took. (The portal's seed
 * deals get workflows too once the reconciler of a spawned worker has read them.)
 */
export async function dealWorkflowCount(client: Client, run: DealRun, deals: readonly PlacedDeal[]): Promise<number> {
  const placed = new Set(deals.map((deal) => dealWorkflowId(run.portal, deal.dealId)));
  const seen = new Set<string>();
  for await (const execution of client.workflow.list({ query: `LoyaltyPortal = '${run.portal}' AND WorkflowType = 'deal'` })) {
    if (placed.has(execution.workflowId)) seen.add(execution.workflowId);
  }
  return seen.size;
}

/** The personal data of the run's buyers that appears in a search attribute of any of the portal's workflows. */
export async function personalDataInSearchAttributes(client: Client, run: DealRun, deals: readonly PlacedDeal[]): Promise<string[]> {
  const personal = [...new Set(deals.flatMap((deal) => deal.contactIds))].flatMap((contactId) => {
    const contact = run.sandbox.portal.contacts.get(contactId) ?? {};
    const multi = (field: unknown) => (Array.isArray(field) ? field.map((entry: { VALUE?: unknown }) => String(entry.VALUE)) : []);
    return [String(contact.NAME), String(contact.LAST_NAME), String(contact.BIRTHDATE).slice(0, 10), ...multi(contact.PHONE), ...multi(contact.EMAIL)];
  });
  if (personal.length === 0) throw new Error('no personal data to look for');
  const leaks: string[] = [];
  for await (const execution of client.workflow.list({ query: `LoyaltyPortal = '${run.portal}'` })) {
    const attributes = JSON.stringify(execution.typedSearchAttributes.getAll().map(({ key, value }) => [key.name, value]));
    for (const value of personal) if (attributes.includes(value)) leaks.push(`${execution.workflowId}: ${value}`);
  }
  return leaks;
}
