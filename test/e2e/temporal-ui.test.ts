import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createCustomerWorkflowActivities } from '../../activities/customer-workflows';
import { grantBonus } from '../../src/admin/grant-bonus';
import { createWebhookClient, setupPortal } from '../../src/bitrix24';
import { loadProgramme } from '../../src/config/load-programme';
import { cashbackAmountFor } from '../../src/domain/cashback-rules';
import { formatAmount } from '../../src/domain/money';
import { signalEntityWorkflow } from '../../src/intake/entity-notice';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import type { RunningDevServer } from '../../src/temporal/dev-server';
import { bonusWorkflowId, contactWorkflowId, dealWorkflowId } from '../../src/temporal/workflow-ids';
import type { BonusRequest } from '../../workflows/bonus';
import { cashbackQuery, type CashbackView, type DealWon, type ManualCredit } from '../../workflows/cashback';
import { eventually, startWorker, uniqueTaskQueue, type RunningWorker } from '../helpers/temporal';
import { TemporalWebUi } from './temporal-web-ui';
import { chromiumExecutable, startDevServerWithUi } from './ui-dev-server';

// Pipeline 0 (Sales) earns cashback and counts purchases in the example programme.
const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));
const NAMESPACE = 'default';
const DAY_MS = 86_400_000;

/** What the customer went through, as the engine was told it. */
interface CustomerStory {
  portal: string;
  payer: number;
  traveller: number;
  /** Won long ago and only now booked: its lot had already run out, so it accrues and expires. */
  expiredDeal: { dealId: number; amountMinor: number };
  /** Won today through the deal workflow, as the webhook bridge reports it. */
  wonDeal: { dealId: number; amountMinor: number };
  bonus: BonusRequest;
}

describe('ops read a customer story in the Temporal Web UI (headless Chromium)', () => {
  let server: RunningDevServer;
  let env: TestWorkflowEnvironment;
  let sandbox: SandboxHandle;
  let worker: RunningWorker;
  let browser: Browser;
  let ui: TemporalWebUi;
  let story: CustomerStory;

  beforeAll(async () => {
    server = await startDevServerWithUi(NAMESPACE);
    env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address, namespace: NAMESPACE });
    sandbox = await startSandbox({ limits: false });
    const bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl });
    await setupPortal(bitrix, { log: () => undefined });
    const taskQueue = uniqueTaskQueue('ui');
    worker = await startWorker(env.nativeConnection, {
      taskQueue,
      namespace: NAMESPACE,
      activities: createActivities({ bitrix, temporal: env.client, programme, taskQueue }),
    });
    story = await playCustomerStory(env, sandbox, taskQueue);
    browser = await chromium.launch({ executablePath: chromiumExecutable(), headless: true });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    ui = new TemporalWebUi(page, server.uiUrl, NAMESPACE);
  });

  afterAll(async () => {
    try {
      await browser?.close();
      await worker?.stop();
      await Promise.all([env?.teardown(), sandbox?.stop()]);
    } finally {
      await server?.stop();
    }
  });

  it("finds exactly the customer's workflows by the LoyaltyPortal and LoyaltyContactId search attributes", async () => {
    const { portal, payer, traveller, wonDeal, bonus } = story;
    const payers = [
      contactWorkflowId(portal, 'cashback', payer),
      contactWorkflowId(portal, 'purchases', payer),
      bonusWorkflowId(portal, bonus.requestId),
    ].sort();
    // The whole portal holds more: the deal itself and the fellow traveller's purchases.
    const others = [dealWorkflowId(portal, wonDeal.dealId), contactWorkflowId(portal, 'purchases', traveller)];
    const inPortal = await ui.listWorkflows(`LoyaltyPortal="${portal}"`, (ids) => [...payers, ...others].every((id) => ids.includes(id)));
    expect(inPortal).toEqual(expect.arrayContaining(others));

    const listed = await ui.listWorkflows(`LoyaltyPortal="${portal}" AND LoyaltyContactId="${payer}"`, (ids) => payers.every((id) => ids.includes(id)));
    await ui.screenshot('customer-workflows');
    expect([...listed].sort()).toEqual(payers);
  });

  it('shows the accruals and the bonus reason in the cashback history, and the expiry in the ledger the worker reports', async () => {
    const { portal, payer, expiredDeal, wonDeal, bonus } = story;
    const cashbackId = contactWorkflowId(portal, 'cashback', payer);
    await ui.listWorkflows(`LoyaltyPortal="${portal}" AND LoyaltyContactId="${payer}"`, (ids) => ids.includes(cashbackId));
    await ui.openWorkflowFromList(cashbackId);

    const wins = (await ui.eventPayloads('Workflow Execution Signaled')) as DealWon[];
    const updates = (await ui.eventPayloads('Workflow Execution Update Accepted')) as { input: { name: string; args: { payloads: ManualCredit[] } } }[];
    await ui.screenshot('cashback-history');
    expect(wins.map((won) => won.dealId).sort()).toEqual([expiredDeal.dealId, wonDeal.dealId].sort());
    for (const deal of [expiredDeal, wonDeal]) {
      expect(wins.find((won) => won.dealId === deal.dealId)?.reason).toMatch(new RegExp(`^cashback on deal ${deal.dealId}\\b`));
    }
    expect(updates.map((update) => update.input.name)).toEqual(['credit']);
    expect(updates[0]!.input.args.payloads[0]).toMatchObject({ author: bonus.author, amountMinor: bonus.amountMinor });
    expect(updates[0]!.input.args.payloads[0]!.reason).toContain(bonus.reason);

    const ledger = (await ui.runQuery(cashbackQuery.name)) as CashbackView;
    await ui.screenshot('cashback-ledger');
    const expiredCashback = cashbackAmountFor(expiredDeal.amountMinor, 0, programme.cashback);
    const wonCashback = cashbackAmountFor(wonDeal.amountMinor, 0, programme.cashback);
    expect(ledger.history.map((entry) => [entry.kind, entry.key, entry.amount])).toEqual([
      ['accrual', `deal:${expiredDeal.dealId}`, expiredCashback],
      // Won over a year ago: the year-end reset that followed its win wrote it off before its own expiry could.
      ['reset', `reset:deal:${expiredDeal.dealId}`, expiredCashback],
      ['accrual', `deal:${wonDeal.dealId}`, wonCashback],
      ['manual-credit', `bonus:${bonus.requestId}`, bonus.amountMinor],
    ]);
    expect(ledger.history.find((entry) => entry.kind === 'manual-credit')).toMatchObject({ author: bonus.author, reason: expect.stringContaining(bonus.reason) });
    expect(ledger.balances.net).toBe(wonCashback + bonus.amountMinor);
  });

  it("shows the bonus's kind, amount and reason in its summary and details", async () => {
    const { portal, payer, bonus } = story;
    const bonusId = bonusWorkflowId(portal, bonus.requestId);
    await ui.listWorkflows(`LoyaltyPortal="${portal}" AND LoyaltyContactId="${payer}"`, (ids) => ids.includes(bonusId));
    await ui.openWorkflowFromList(bonusId);
    const metadata = await ui.userMetadata();
    await ui.screenshot('bonus-summary');
    expect(metadata.summary).toContain(`${bonus.kind} bonus ${bonus.amountText} for contact ${payer}`);
    expect(metadata.details).toContain(bonus.reason);
    expect(metadata.details).toContain(bonus.author);
  });
});

/**
 * Through the engine's own paths: an old won deal dispatched the way the deal workflow dispatches one (with its
 * original win date, so the lot is past its lifetime), a deal won today reported as the bridge reports it, and an
 * apology bonus granted through the admin surface.
 */
async function playCustomerStory(env: TestWorkflowEnvironment, sandbox: SandboxHandle, taskQueue: string): Promise<CustomerStory> {
  const portal = taskQueue;
  const [payer, traveller] = sandbox.portal.contacts.ids();
  if (payer === undefined || traveller === undefined) throw new Error('the sandbox seed needs two contacts');

  const expiredDeal = wonDealInSandbox(sandbox, 'Trip long ago', [payer], 20_000_00);
  const lotLifetimeDays = programme.cashback.pendingDays + programme.cashback.lotExpiryDays;
  await createCustomerWorkflowActivities({ client: env.client, taskQueue, programme }).dispatchDealWon({
    portal,
    dealId: expiredDeal.dealId,
    pipelineId: 0,
    amountMinor: expiredDeal.amountMinor,
    wonAt: Date.now() - (lotLifetimeDays + 2) * DAY_MS,
    contactIds: [payer],
    primaryContactId: payer,
  });

  const wonDeal = wonDealInSandbox(sandbox, 'Family trip', [payer, traveller], 60_000_00);
  const notice = { kind: 'deal', entityId: wonDeal.dealId, event: 'ONCRMDEALUPDATE', ts: Math.floor(Date.now() / 1000), source: 'webhook' } as const;
  await signalEntityWorkflow(env.client, { portal, taskQueue }, notice);
  const cashback = env.client.workflow.getHandle(contactWorkflowId(portal, 'cashback', payer));
  const booked = async (key: string) => ((await cashback.query(cashbackQuery).catch(() => null))?.lots ?? []).some((lot) => lot.key === key);
  await eventually(() => booked(`deal:${wonDeal.dealId}`), 60_000);

  const bonus: BonusRequest = {
    portal,
    requestId: 'apology-ui-1',
    contactId: payer,
    kind: 'apology',
    amountMinor: 500_00,
    amountText: '500.00 RUB',
    reason: 'the transfer bus never came',
    author: 'user:12',
  };
  await grantBonus(env.client, taskQueue, bonus);
  return { portal, payer, traveller, expiredDeal, wonDeal, bonus };
}

/** A deal in the Sales pipeline, paid by the first contact, moved to the won stage by a manager. */
function wonDealInSandbox(sandbox: SandboxHandle, title: string, contactIds: number[], amountMinor: number): { dealId: number; amountMinor: number } {
  const dealId = sandbox.portal.deals.add({ TITLE: title, CATEGORY_ID: 0, STAGE_ID: 'NEW' });
  sandbox.portal.deals.setContacts(dealId, contactIds.map((id, index) => (index === 0 ? { CONTACT_ID: id, IS_PRIMARY: 'Y' } : { CONTACT_ID: id })));
  const price = formatAmount(amountMinor, programme.currencyExponent);
  sandbox.portal.deals.setProductRows(dealId, [{ PRODUCT_ID: 1, PRICE: price, QUANTITY: 1 }]);
  sandbox.portal.deals.setStage(dealId, 'WON');
  return { dealId, amountMinor };
}
