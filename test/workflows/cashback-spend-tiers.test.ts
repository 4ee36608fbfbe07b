import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProgramme } from '../../src/config/load-programme';
import type { Programme } from '../../src/domain/programme';
import { contactWorkflowId } from '../../src/temporal/workflow-ids';
import { cashbackQuery } from '../../workflows/cashback';
import { purchasesQuery } from '../../workflows/purchases';
import { eventually } from '../helpers/temporal';
import { useEngineTestbed } from '../helpers/testbed';

// The example programme's tiers (≤ 50 000 → 5 %, above → 7 %), looked up by what the customer spent before each deal.
const example = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));
const programme: Programme = { ...example, cashback: { ...example.cashback, tierBasis: 'cumulativeSpend' } };
const SALES = 0;

describe('cashback tiers by cumulative spend, through the cashback account (dev server)', () => {
  const engine = useEngineTestbed('spend-tiers', 'dev', programme);

  const win = (contactId: number, dealId: number, amountMinor: number, currency = 'RUB') =>
    engine.activities.dispatchDealWon({ portal: engine.bed.taskQueue, dealId, pipelineId: SALES, amountMinor, currency, wonAt: Date.now(), contactIds: [contactId], primaryContactId: contactId });
  const reverse = (contactId: number, dealId: number) =>
    engine.activities.dispatchDealReversed({ portal: engine.bed.taskQueue, dealId, at: Date.now(), contactIds: [contactId], primaryContactId: contactId, reason: 'deal lost' });
  const account = (contactId: number) => engine.bed.env.client.workflow.getHandle(contactWorkflowId(engine.bed.taskQueue, 'cashback', contactId)).query(cashbackQuery);
  const accruals = async (contactId: number) => (await account(contactId)).history.filter((e) => e.kind === 'accrual').map((e) => [e.key, e.amount]);

  it('earns each deal by the spend before it: a reversed deal no longer counts, a repeated win counts once', async () => {
    const customer = engine.bed.sandbox.portal.contacts.add({ NAME: 'Regular' });
    await win(customer, 1, 40_000_00);
    await win(customer, 1, 40_000_00);
    await win(customer, 2, 30_000_00);
    await eventually(async () => (await account(customer).catch(() => null))?.spentMinor === 70_000_00);
    await win(customer, 3, 10_000_00);
    await eventually(async () => (await accruals(customer)).length === 3);
    // 0 before → 5 %; 40 000 before → 5 %; 70 000 before → 7 %.
    expect(await accruals(customer)).toEqual([
      ['deal:1', 2_000_00],
      ['deal:2', 1_500_00],
      ['deal:3', 700_00],
    ]);

    await reverse(customer, 2);
    await eventually(async () => (await account(customer)).spentMinor === 50_000_00);
    await win(customer, 4, 10_000_00);
    await eventually(async () => (await accruals(customer)).length === 4);
    // 50 000 before (deal 2 no longer counts) is inside the first tier again.
    expect((await accruals(customer)).at(-1)).toEqual(['deal:4', 500_00]);
    expect((await account(customer)).spentMinor).toBe(60_000_00);
  });

  it('a deal in another currency counts as a purchase but earns no cashback and adds no spend', async () => {
    const customer = engine.bed.sandbox.portal.contacts.add({ NAME: 'Abroad' });
    await win(customer, 11, 10_000_00);
    await win(customer, 12, 99_000_00, 'USD');
    const purchases = () => engine.bed.env.client.workflow.getHandle(contactWorkflowId(engine.bed.taskQueue, 'purchases', customer)).query(purchasesQuery);
    await eventually(async () => (await purchases().catch(() => null))?.count === 2);
    await eventually(async () => (await accruals(customer).catch(() => [])).length === 1);
    const view = await account(customer);
    expect(view.spentMinor).toBe(10_000_00);
    expect(view.history.map((e) => [e.kind, e.key, e.amount])).toEqual([['accrual', 'deal:11', 500_00]]);
  });
});
