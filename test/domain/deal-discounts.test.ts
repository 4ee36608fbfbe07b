import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyGroupUsage, forgetDaysBefore, grantedByOtherDeals, recordGroupGrant, releaseDealGrants } from '../../src/domain/customer-groups';
import { planDealDiscounts, type DealContactFacts, type DealDiscountRequest } from '../../src/domain/deal-discounts';
import { markersFieldValue, markersFromField } from '../../src/domain/product-row-marker';
import { baseRowsFromBitrix, rowsUnchanged, snapshotOfReportedRow, type BaseProductRow } from '../../src/domain/product-rows';
import { textDigest } from '../../src/domain/text-digest';
import { exampleProgramme } from './programme.fixture';

const programme = exampleProgramme();
const SALES = { pipelineId: 0, stageId: 'PREPARATION' };
const TRAVEL = { pipelineId: 1, stageId: 'C1:PREPARATION' };
const row = (basePriceMinor: number, quantity = 1000): BaseProductRow => ({ productId: 1, name: 'tour', basePriceMinor, quantity, taxRateBasisPoints: null, taxIncluded: false });
const contact = (contactId: string, extra: Partial<DealContactFacts> = {}): DealContactFacts => ({
  contactId,
  referralPercent: 0,
  purchaseCount: 0,
  birthdayWindowActive: false,
  groupIds: [],
  groupGrantedTodayMinor: {},
  ...extra,
});
const request = (extra: Partial<DealDiscountRequest>): DealDiscountRequest => ({ deal: SALES, currency: 'RUB', rows: [row(1_000_000)], contacts: [contact('1')], cashback: null, ...extra });

describe('deal discounts: shares, cashback and texts', () => {
  it('gives each contact their discount on an equal share of the deal', () => {
    const plan = planDealDiscounts(programme, request({ deal: TRAVEL, rows: [row(1_000_001)], contacts: [contact('1'), contact('2', { birthdayWindowActive: true })] }));
    expect(plan.contacts.map((c) => [c.contactId, c.shareMinor, c.discountMinor])).toEqual([
      ['1', 500_001, 0],
      ['2', 500_000, 25_000],
    ]);
    expect(plan.rows?.totalMinor).toBe(975_001);
    expect(plan.status).toBe('contact 1: no discount | contact 2: birthday 5 % — applied, 250.00 RUB');
  });

  it('refuses cashback over the cap whole and says why', () => {
    const plan = planDealDiscounts(programme, request({ cashback: { contactId: '1', requestedMinor: 300_001, availableMinor: 900_000 } }));
    expect(plan.cashback).toMatchObject({ status: 'rejected', amountMinor: 0 });
    expect(plan.status).toContain('rejected: cashback may pay at most 30.00 % of the deal: 300000 of 1000000 (minor units), requested 300001');
    expect(plan.rows?.totalMinor).toBe(1_000_000);
  });

  it('checks the cap against the deal after the percent discounts, and the balance', () => {
    const discounted = request({ contacts: [contact('1', { purchaseCount: 5 })], cashback: { contactId: '1', requestedMinor: 279_000, availableMinor: 279_000 } });
    expect(planDealDiscounts(programme, discounted).cashback).toMatchObject({ status: 'applied', amountMinor: 279_000 });
    expect(planDealDiscounts(programme, { ...discounted, cashback: { contactId: '1', requestedMinor: 279_001, availableMinor: 900_000 } }).cashback.status).toBe('rejected');
    expect(planDealDiscounts(programme, { ...discounted, cashback: { contactId: '1', requestedMinor: 1_000, availableMinor: 999 } }).cashback.reason).toMatch(/insufficient cashback balance/);
    expect(planDealDiscounts(programme, { ...discounted, cashback: { contactId: '1', requestedMinor: 1_000, availableMinor: 9_999, refusal: 'balance changed' } }).cashback).toMatchObject({
      status: 'rejected',
      reason: 'balance changed',
    });
  });

  it('leaves the rows alone for a deal in another currency', () => {
    const plan = planDealDiscounts(programme, request({ currency: 'USD', cashback: { contactId: '1', requestedMinor: 100, availableMinor: 100 } }));
    expect(plan.rows).toBeNull();
    expect(plan.status).toBe('no discounts: the deal is in USD, the programme in RUB');
    expect(plan.cashback.status).toBe('not-applicable');
  });

  it('rows carry exactly the contacts’ discounts plus the redeemed cashback', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ price: fc.integer({ min: 0, max: 10_000_000 }), quantity: fc.integer({ min: 1, max: 5_000 }) }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.record({ purchases: fc.integer({ min: 0, max: 7 }), birthday: fc.boolean() }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 5_000_000 }),
        (rows, contacts, requested) => {
          const plan = planDealDiscounts(programme, {
            deal: SALES,
            currency: 'RUB',
            rows: rows.map((r) => row(r.price, r.quantity)),
            contacts: contacts.map((c, i) => contact(String(i), { purchaseCount: c.purchases, birthdayWindowActive: c.birthday })),
            cashback: { contactId: '0', requestedMinor: requested, availableMinor: requested },
          });
          const percentMinor = plan.contacts.reduce((sum, c) => sum + c.discountMinor, 0);
          const rowsPlan = plan.rows!;
          expect(rowsPlan.baseTotalMinor - rowsPlan.totalMinor).toBe(rowsPlan.absolute.appliedMinor);
          expect(plan.cashback.amountMinor).toBe(Math.max(0, rowsPlan.absolute.appliedMinor - percentMinor));
          expect(plan.contacts.reduce((sum, c) => sum + c.shareMinor, 0)).toBe(rowsPlan.baseTotalMinor);
          expect(plan.cashback.amountMinor).toBeLessThanOrEqual(Math.floor(((rowsPlan.baseTotalMinor - percentMinor) * 3000) / 10_000));
        },
      ),
    );
  });
});

describe('group usage per local day', () => {
  const vip = programme.groups[0]!;

  it('counts other deals against the limit and replaces a deal’s own grant', () => {
    let usage = recordGroupGrant(emptyGroupUsage(), { day: '2026-03-01', group: vip, dealId: 1, requestedMinor: 300_000 }).usage;
    const second = recordGroupGrant(usage, { day: '2026-03-01', group: vip, dealId: 2, requestedMinor: 300_000 });
    expect(second.allowance).toMatchObject({ allowedMinor: 200_000, limited: true });
    usage = recordGroupGrant(second.usage, { day: '2026-03-01', group: vip, dealId: 1, requestedMinor: 100_000 }).usage;
    expect(grantedByOtherDeals(usage, '2026-03-01', 'vip', 2)).toBe(100_000);
    expect(grantedByOtherDeals(usage, '2026-03-02', 'vip', 2)).toBe(0);
    expect(grantedByOtherDeals(releaseDealGrants(usage, 1), '2026-03-01', 'vip', 2)).toBe(0);
    expect(forgetDaysBefore(usage, '2026-03-02').grants).toEqual([]);
  });

  it('never grants more than the daily limit in a day, whatever the order of deals', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dealId: fc.integer({ min: 1, max: 5 }), amount: fc.integer({ min: 0, max: 400_000 }) }), { maxLength: 20 }), (requests) => {
        let usage = emptyGroupUsage();
        for (const r of requests) usage = recordGroupGrant(usage, { day: '2026-03-01', group: vip, dealId: r.dealId, requestedMinor: r.amount }).usage;
        expect(usage.grants.reduce((sum, g) => sum + g.amountMinor, 0)).toBeLessThanOrEqual(vip.dailyLimitMinor!);
        expect(new Set(usage.grants.map((g) => g.dealId)).size).toBe(usage.grants.length);
      }),
    );
  });
});

describe('row markers in a deal field, digests, unchanged rows', () => {
  it('reads markers back by row position and tolerates missing lines', () => {
    expect(markersFromField(markersFieldValue(['b24loyalty:1:100:-:N', 'b24loyalty:1:200:-:N']), 3)).toEqual(['b24loyalty:1:100:-:N', 'b24loyalty:1:200:-:N', null]);
    expect(markersFromField(null, 1)).toEqual([null]);
  });

  it('re-planning from the written rows gives the same rows (no compounding)', () => {
    const first = planDealDiscounts(programme, request({ rows: [row(99_999, 3000)], contacts: [contact('1', { purchaseCount: 5 })] })).rows!;
    const markers = markersFromField(markersFieldValue(first.rows.map((r) => r.marker)), 1);
    const reported = first.rows.map((r, i) => snapshotOfReportedRow({ ...r.fields, marker: markers[i] ?? null }));
    const again = planDealDiscounts(programme, request({ rows: baseRowsFromBitrix(reported), contacts: [contact('1', { purchaseCount: 5 })] })).rows!;
    expect(rowsUnchanged(reported, again.rows)).toBe(true);
    expect(rowsUnchanged(reported, planDealDiscounts(programme, request({ rows: baseRowsFromBitrix(reported) })).rows!.rows)).toBe(false);
  });

  it('digests text stably and tells different texts apart', () => {
    expect(textDigest('birthday 5 %')).toBe(textDigest('birthday 5 %'));
    expect(textDigest('birthday 5 %')).not.toBe(textDigest('birthday 6 %'));
    expect(textDigest('')).toMatch(/^[0-9a-f]{16}$/);
  });
});
