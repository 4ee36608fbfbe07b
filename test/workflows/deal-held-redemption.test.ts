import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOYALTY_FIELDS } from '../../src/bitrix24/loyalty-fields';
import { loadProgramme } from '../../src/config/load-programme';
import { contactWorkflowId, dealWorkflowId } from '../../src/temporal/workflow-ids';
import { cashbackQuery, redeemUpdate } from '../../workflows/cashback';
import { dealStatusQuery } from '../../workflows/deal';
import { recordHistory } from '../helpers/histories';
import { eventually } from '../helpers/temporal';
import { deliverDealEvent, useEngineTestbed } from '../helpers/testbed';

// Pipeline 0 (Sales) lets cashback pay up to 30 % of a deal in its discount stages.
const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

describe('a deal holding redeemed cashback (time-skipping server + sandbox portal)', () => {
  const engine = useEngineTestbed('held-redemption', 'time-skipping', programme);

  const deliver = (dealId: number) => deliverDealEvent(engine.bed, dealId);
  const account = (contactId: number) => engine.bed.env.client.workflow.getHandle(contactWorkflowId(engine.bed.taskQueue, 'cashback', contactId));

  it('stays open through weeks of silence and gives the cashback back when the deal is finally lost', async () => {
    const { sandbox, env } = engine.bed;
    const payer = sandbox.portal.contacts.add({ NAME: 'Slow', LAST_NAME: 'Payer' });
    await engine.activities.creditCashback({ portal: engine.bed.taskQueue, contactId: payer, key: `balance-${payer}`, amountMinor: 3_000_00, reason: 'test balance', author: 'test' });
    const dealId = sandbox.portal.deals.add({ TITLE: 'Paid in a month', CATEGORY_ID: 0, STAGE_ID: 'PREPARATION', [LOYALTY_FIELDS.deal.cashbackToRedeem]: '1000.00' });
    sandbox.portal.deals.setContacts(dealId, [{ CONTACT_ID: payer, IS_PRIMARY: 'Y' }]);
    sandbox.portal.deals.setProductRows(dealId, [{ PRODUCT_ID: 5, PRICE: '5000.00', QUANTITY: 1 }]);

    await deliver(dealId);
    await eventually(async () => (await account(payer).query(cashbackQuery)).balances.available === 2_000_00);

    // Longer than a deal without anything to give back is kept for: three weeks without a CRM event.
    await env.sleep('21 days');
    const dealHandle = env.client.workflow.getHandle(dealWorkflowId(engine.bed.taskQueue, dealId));
    expect((await dealHandle.describe()).status.name).toBe('RUNNING');

    sandbox.portal.deals.setStage(dealId, 'LOSE');
    await deliver(dealId);
    await eventually(async () => (await account(payer).query(cashbackQuery)).balances.available === 3_000_00);
    expect((await account(payer).query(cashbackQuery)).history.map((e) => [e.kind, e.amount, e.key])).toEqual([
      ['manual-credit', 3_000_00, `balance-${payer}`],
      ['spend', 1_000_00, `redeem:deal:${dealId}#1`],
      ['manual-credit', 1_000_00, `returned:redeem:deal:${dealId}#1:balance-${payer}`],
    ]);
    expect((await dealHandle.query(dealStatusQuery)).history.map((h) => h.event)).toContain('discounts-released');
    await recordHistory(dealHandle, 'deal-held-redemption');
  });

  it('refuses a redemption key repeated for another amount, and answers the same amount once', async () => {
    const payer = engine.bed.sandbox.portal.contacts.add({ NAME: 'Twice' });
    await engine.activities.creditCashback({ portal: engine.bed.taskQueue, contactId: payer, key: `balance-${payer}`, amountMinor: 1_000_00, reason: 'test balance', author: 'test' });
    const redeem = (amountMinor: number, updateId: string) =>
      account(payer).executeUpdate(redeemUpdate, { args: [{ key: 'deal:77#1', amountMinor, reason: 'deal 77' }], updateId });

    expect((await redeem(300_00, 'first')).applied).toBe(true);
    expect((await redeem(300_00, 'again')).applied).toBe(false);
    await expect(redeem(500_00, 'other-amount')).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/deal:77#1 was already made for 30000, not 50000/) },
    });
    expect((await account(payer).query(cashbackQuery)).balances.available).toBe(700_00);
  });
});
