import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { deals } from '../../src/bitrix24';
import { LOYALTY_FIELDS } from '../../src/bitrix24/loyalty-fields';
import { loadProgramme } from '../../src/config/load-programme';
import { localDate } from '../../src/domain/calendar';
import { dealWorkflowId, groupDiscountUsageWorkflowId } from '../../src/temporal/workflow-ids';
import { dealStatusQuery } from '../../workflows/deal';
import { groupUsageStateQuery } from '../../workflows/group-discount-usage';
import { recordHistory } from '../helpers/histories';
import { eventually } from '../helpers/temporal';
import { deliverDealEvent, startTestbed, type Testbed } from '../helpers/testbed';

// The example programme: VIP is 10 % with at most 5 000.00 RUB of discount per contact per local day (Europe/Moscow);
// pipeline 1 (Travel club) applies group discounts in C1:NEW / C1:PREPARATION.
const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));
const DAY_MS = 86_400_000;

describe('group discount daily limit across a contact’s deals (dev server + sandbox portal)', () => {
  let bed: Testbed;
  /** Moves the engine's "today" forward: the day a grant counts against is read from this clock. */
  let clockAheadMs = 0;
  beforeAll(async () => {
    bed = await startTestbed({
      label: 'group-usage',
      server: 'dev',
      activities: ({ bitrix, env, taskQueue }) => createActivities({ bitrix, temporal: env.client, programme, taskQueue, now: () => Date.now() + clockAheadMs }),
    });
  });
  afterAll(async () => bed?.stop());

  const deliver = (dealId: number) => deliverDealEvent(bed, dealId);
  const discountsSettled = async (dealId: number) =>
    eventually(async () => {
      const status = await bed.env.client.workflow.getHandle(dealWorkflowId(bed.taskQueue, dealId)).query(dealStatusQuery).catch(() => null);
      return (status?.history ?? []).some((h) => h.event === 'discounts-applied');
    });
  const vipDeal = (contactId: number, price: string) => {
    const dealId = bed.sandbox.portal.deals.add({ TITLE: 'VIP trip', CATEGORY_ID: 1, STAGE_ID: 'C1:PREPARATION' });
    bed.sandbox.portal.deals.setContacts(dealId, [{ CONTACT_ID: contactId, IS_PRIMARY: 'Y' }]);
    bed.sandbox.portal.deals.setProductRows(dealId, [{ PRODUCT_ID: 2, PRICE: price, QUANTITY: 1 }]);
    return dealId;
  };
  const discountOf = (dealId: number) => bed.sandbox.portal.deals.productRows(dealId).map((row) => Number(row.DISCOUNT_SUM));
  const statusOf = async (dealId: number) => (await bed.bitrix.run(deals.get(dealId))).loyalty.status ?? '';

  it('a second deal the same day gets only what is left of the limit; the next local day the limit is fresh', async () => {
    const { sandbox, env, taskQueue: portal } = bed;
    const vip = sandbox.portal.contacts.add({ NAME: 'Vera', [LOYALTY_FIELDS.contact.group]: 'vip' });
    const today = localDate(Date.now(), programme.timeZone);

    // 10 % of 40 000.00 is 4 000.00: within the 5 000.00 a day.
    const first = vipDeal(vip, '40000.00');
    await deliver(first);
    await discountsSettled(first);
    expect(discountOf(first)).toEqual([4_000]);
    expect(await statusOf(first)).not.toMatch(/daily limit/);

    // 10 % of 30 000.00 would be 3 000.00, but only 1 000.00 of today's limit is left.
    const second = vipDeal(vip, '30000.00');
    await deliver(second);
    await discountsSettled(second);
    expect(discountOf(second)).toEqual([1_000]);
    expect(await statusOf(second)).toBe(`contact ${vip}: group VIP 10 % — applied, 1000.00 RUB (daily limit 5000.00 RUB, 4000.00 RUB already granted today)`);

    // Tomorrow in the programme's zone: a new deal gets its whole discount again.
    clockAheadMs = DAY_MS;
    const tomorrow = localDate(Date.now() + clockAheadMs, programme.timeZone);
    const third = vipDeal(vip, '30000.00');
    await deliver(third);
    await discountsSettled(third);
    expect(discountOf(third)).toEqual([3_000]);
    expect(await statusOf(third)).not.toMatch(/daily limit/);

    const usage = env.client.workflow.getHandle(groupDiscountUsageWorkflowId(portal, vip));
    const grants = (await usage.query(groupUsageStateQuery)).grants.map((g) => [g.day, g.groupId, g.dealId, g.amountMinor]);
    expect(grants).toEqual([
      [today, 'vip', first, 4_000_00],
      [today, 'vip', second, 1_000_00],
      [tomorrow, 'vip', third, 3_000_00],
    ]);
    await recordHistory(usage, 'group-discount-usage-daily-limit');
  });
});
