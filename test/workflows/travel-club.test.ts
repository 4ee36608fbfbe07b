import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deals } from '../../src/bitrix24';
import { LOYALTY_FIELDS } from '../../src/bitrix24/loyalty-fields';
import { loadProgramme } from '../../src/config/load-programme';
import { localDate } from '../../src/domain/calendar';
import { contactWorkflowId, dealWorkflowId } from '../../src/temporal/workflow-ids';
import { birthday } from '../../workflows/birthday';
import { cashbackQuery } from '../../workflows/cashback';
import { dealStatusQuery } from '../../workflows/deal';
import { recordHistory } from '../helpers/histories';
import { eventually } from '../helpers/temporal';
import { deliverDealEvent, useEngineTestbed } from '../helpers/testbed';

// Pipeline 1 (Travel club) applies referral, birthday and group discounts in C1:NEW / C1:PREPARATION, not the
// cumulative discount and not cashback payment; pipeline 0 (Sales) applies all of them, cashback up to 30 % of a deal.
const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

describe('deal workflow applies discounts to the deal (dev server + sandbox portal)', () => {
  const engine = useEngineTestbed('travel-club', 'dev', programme);

  const deliver = (dealId: number) => deliverDealEvent(engine.bed, dealId);
  const deliverThrice = async (dealId: number) => {
    for (let copy = 0; copy < 3; copy++) await deliver(dealId);
  };
  const dealHistory = async (dealId: number) =>
    (await engine.bed.env.client.workflow.getHandle(dealWorkflowId(engine.bed.taskQueue, dealId)).query(dealStatusQuery)).history.map((h) => h.event);
  const settled = (dealId: number, count: number) =>
    eventually(async () => (await dealHistory(dealId).catch(() => [])).filter((e) => e.startsWith('discounts-')).length >= count);
  const cashbackOf = (contactId: number) => engine.bed.env.client.workflow.getHandle(contactWorkflowId(engine.bed.taskQueue, 'cashback', contactId)).query(cashbackQuery);
  const creditCashback = (contactId: number, amountMinor: number) =>
    engine.activities.creditCashback({ portal: engine.bed.taskQueue, contactId, key: `test-credit-${contactId}`, amountMinor, reason: 'test balance', author: 'test' });
  const rowsOf = (dealId: number) =>
    engine.bed.sandbox.portal.deals.productRows(dealId).map((row) => ({ id: row.ID, name: row.PRODUCT_NAME, price: row.PRICE, discount: row.DISCOUNT_SUM, quantity: row.QUANTITY }));
  const loyaltyOf = async (dealId: number) => (await engine.bed.bitrix.run(deals.get(dealId))).loyalty;
  const commentsOf = (dealId: number) => engine.bed.sandbox.portal.timeline.list('deal', dealId).map((c) => String(c.COMMENT));

  it('travel club: each traveller’s discount on their share, cashback refused in the pipeline, written once', async () => {
    const { sandbox, taskQueue: portal, env } = engine.bed;
    const payer = sandbox.portal.contacts.add({ NAME: 'Payer' });
    const traveller = sandbox.portal.contacts.add({ NAME: 'Traveller' });
    await creditCashback(payer, 5_000_00);
    // The traveller's birthday is today (in the programme's zone): the birthday window is open.
    const today = localDate(Date.now(), programme.timeZone);
    await env.client.workflow.start(birthday, {
      workflowId: contactWorkflowId(portal, 'birthday', traveller),
      taskQueue: portal,
      args: [{ portal, contactId: traveller, birthdate: `1992${today.slice(4)}`, policy: { timeZone: programme.timeZone, daysBefore: 7, daysAfter: 7, feb29: 'feb28' } }],
    });

    const dealId = sandbox.portal.deals.add({ TITLE: 'Altai for two', CATEGORY_ID: 1, STAGE_ID: 'C1:PREPARATION', [LOYALTY_FIELDS.deal.cashbackToRedeem]: '3000.00' });
    sandbox.portal.deals.setContacts(dealId, [{ CONTACT_ID: payer, IS_PRIMARY: 'Y' }, { CONTACT_ID: traveller }]);
    sandbox.portal.deals.setProductRows(dealId, [
      { PRODUCT_ID: 2, PRICE: '68500.00', QUANTITY: 2 },
      { PRODUCT_ID: 4, PRICE: '1500.00', QUANTITY: 2 },
    ]);

    await deliverThrice(dealId);
    await settled(dealId, 1);

    // 140 000.00 split in two shares of 70 000.00; the traveller's 5 % birthday discount is 3 500.00, spread over the
    // rows in proportion to their totals (137 000.00 : 3 000.00 → 3 425.00 : 75.00, i.e. per unit 1 712.50 and 37.50).
    const rows = rowsOf(dealId);
    expect(rows.map(({ id: _id, ...row }) => row)).toEqual([
      { name: 'Altai trekking tour, 7 days', price: 66_787.5, discount: 1_712.5, quantity: 2 },
      { name: 'Travel insurance', price: 1_462.5, discount: 37.5, quantity: 2 },
    ]);
    expect(sandbox.portal.deals.get(dealId)?.OPPORTUNITY).toBe('136500.00');
    const loyalty = await loyaltyOf(dealId);
    expect(loyalty.status).toBe(
      `contact ${payer}: no discount | contact ${traveller}: birthday 5 % — applied, 3500.00 RUB | cashback 3000.00 RUB — not applicable in pipeline Travel club`,
    );
    expect(loyalty.appliedDiscounts).toBe(`contact ${traveller}: birthday 5 % — applied, 3500.00 RUB\ntotal 140000.00 RUB → 136500.00 RUB`);
    const comments = commentsOf(dealId);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain('Loyalty discounts (pipeline Travel club, stage C1:PREPARATION): 140000.00 RUB → 136500.00 RUB');
    expect(comments[0]).toContain(`contact ${payer}, share 70000.00 RUB: referral discount — not enough qualified referrals yet; cumulative discount — not applicable in pipeline Travel club; birthday — outside the birthday window; group discount — the contact is in no discount group`);
    expect(comments[0]).toContain(`contact ${traveller}, share 70000.00 RUB:`);
    // Nothing was redeemed: the payer's account is untouched.
    expect((await cashbackOf(payer)).history.map((e) => e.kind)).toEqual(['manual-credit']);

    // The same deal read again (three more deliveries): nothing is written, no second comment.
    await deliverThrice(dealId);
    await settled(dealId, 2);
    expect(rowsOf(dealId)).toEqual(rows);
    expect(commentsOf(dealId)).toHaveLength(1);
    const events = await dealHistory(dealId);
    expect(events.filter((e) => e === 'discounts-applied')).toHaveLength(1);
    expect(events).toContain('discounts-unchanged');
    await recordHistory(env.client.workflow.getHandle(dealWorkflowId(portal, dealId)), 'deal-travel-club-discounts');
  });

  it('sales: a redemption over the cap is refused with the reason; a smaller one is debited once and returned when the deal is lost', async () => {
    const { sandbox } = engine.bed;
    const payer = sandbox.portal.contacts.add({ NAME: 'Buyer' });
    await creditCashback(payer, 3_000_00);
    const dealId = sandbox.portal.deals.add({ TITLE: 'Membership', CATEGORY_ID: 0, STAGE_ID: 'PREPARATION', [LOYALTY_FIELDS.deal.cashbackToRedeem]: '2000.00' });
    sandbox.portal.deals.setContacts(dealId, [{ CONTACT_ID: payer, IS_PRIMARY: 'Y' }]);
    sandbox.portal.deals.setProductRows(dealId, [{ PRODUCT_ID: 5, PRICE: '5000.00', QUANTITY: 1 }]);

    await deliverThrice(dealId);
    await settled(dealId, 1);
    expect((await loyaltyOf(dealId)).status).toBe(
      `contact ${payer}: no discount | cashback 2000.00 RUB — rejected: cashback may pay at most 30.00 % of the deal: 150000 of 500000 (minor units), requested 200000`,
    );
    expect(rowsOf(dealId).map((row) => [row.price, row.discount])).toEqual([[5_000, 0]]);
    expect((await cashbackOf(payer)).history.map((e) => e.kind)).toEqual(['manual-credit']);

    // The manager lowers the amount within the cap: debited once, whatever the number of deliveries.
    sandbox.portal.deals.update(dealId, { [LOYALTY_FIELDS.deal.cashbackToRedeem]: '1000.00' });
    await deliverThrice(dealId);
    await settled(dealId, 2);
    expect((await loyaltyOf(dealId)).status).toBe(`contact ${payer}: no discount | cashback — applied, 1000.00 RUB`);
    expect(rowsOf(dealId).map((row) => [row.price, row.discount])).toEqual([[4_000, 1_000]]);
    const afterRedemption = await cashbackOf(payer);
    expect(afterRedemption.history.map((e) => [e.kind, e.amount, e.key])).toEqual([
      ['manual-credit', 3_000_00, `test-credit-${payer}`],
      ['spend', 1_000_00, `redeem:deal:${dealId}#1`],
    ]);
    expect(afterRedemption.balances.available).toBe(2_000_00);

    // Lost: the redeemed cashback comes back, once.
    sandbox.portal.deals.setStage(dealId, 'LOSE');
    await deliverThrice(dealId);
    await eventually(async () => (await cashbackOf(payer)).balances.available === 3_000_00);
    await deliverThrice(dealId);
    await eventually(async () => (await dealHistory(dealId)).filter((e) => e === 'no-change').length >= 2);
    expect((await cashbackOf(payer)).history.map((e) => [e.kind, e.amount])).toEqual([
      ['manual-credit', 3_000_00],
      ['spend', 1_000_00],
      ['manual-credit', 1_000_00],
    ]);
    expect((await dealHistory(dealId)).filter((e) => e === 'discounts-released')).toHaveLength(1);
  });
});
