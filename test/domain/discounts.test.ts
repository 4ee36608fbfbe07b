import { describe, expect, it } from 'vitest';
import { contactDiscounts, formatDiscountLine, type ContactLoyaltyFacts, type DiscountLine } from '../../src/domain/discounts';
import { type StackingPolicy } from '../../src/domain/programme';
import { exampleProgramme } from './programme.fixture';

const programme = exampleProgramme();
const SALES = { pipelineId: 0, stageId: 'PREPARATION' };
const TRAVEL = { pipelineId: 1, stageId: 'C1:PREPARATION' };

function facts(extra: Partial<ContactLoyaltyFacts> = {}): ContactLoyaltyFacts {
  return {
    contactId: '1',
    amountMinor: 1_000_000,
    referralPercent: 0,
    purchaseCount: 0,
    birthdayWindowActive: false,
    groupIds: [],
    groupGrantedTodayMinor: {},
    cashbackToRedeemMinor: 0,
    ...extra,
  };
}

const statusOf = (lines: readonly DiscountLine[]) => Object.fromEntries(lines.map((l) => [l.kind, l.status]));

describe('applicability per pipeline and stage', () => {
  it('reports discounts that do not apply in the pipeline with the reason', () => {
    const result = contactDiscounts(programme, TRAVEL, facts({ purchaseCount: 5, cashbackToRedeemMinor: 10_000, birthdayWindowActive: true }));
    const cumulative = result.lines.find((l) => l.kind === 'purchaseCount');
    expect(cumulative).toMatchObject({ status: 'not-applicable', reason: 'not applicable in pipeline Travel club' });
    expect(result.statusLine).toBe(
      'referral discount — not enough qualified referrals yet; cumulative discount — not applicable in pipeline Travel club; ' +
        'birthday 5 % — applied, 500.00 RUB; group discount — the contact is in no discount group; cashback — not applicable in pipeline Travel club',
    );
  });

  it('applies nothing outside the discount stages', () => {
    const result = contactDiscounts(programme, { pipelineId: 0, stageId: 'WON' }, facts({ birthdayWindowActive: true }));
    expect(new Set(result.lines.map((l) => l.reason))).toEqual(new Set(['stage WON is not a discount stage in pipeline Sales']));
    expect(result.discountMinor).toBe(0);
  });

  it('applies nothing in a pipeline without rules', () => {
    const result = contactDiscounts(programme, { pipelineId: 9, stageId: 'C9:NEW' }, facts({ birthdayWindowActive: true }));
    expect(result.lines.every((l) => l.status === 'not-applicable' && l.reason === 'no loyalty rules for pipeline #9')).toBe(true);
  });

  it('reports a disabled programme as not part of it', () => {
    const noBirthday = exampleProgramme({ birthday: { ...programme.birthday, enabled: false } });
    expect(contactDiscounts(noBirthday, SALES, facts({ birthdayWindowActive: true })).lines.find((l) => l.kind === 'birthday')).toMatchObject({
      status: 'not-applicable',
      reason: 'not part of the programme',
    });
  });
});

describe('stacking', () => {
  const earned = facts({ referralPercent: 500, purchaseCount: 5, birthdayWindowActive: true });

  it.each<[string, StackingPolicy, Record<string, string>, number]>([
    ['best', { policy: 'best' }, { referral: 'superseded', purchaseCount: 'applied', birthday: 'superseded' }, 70_000],
    ['sum under the cap', { policy: 'sum', capPercent: 2000 }, { referral: 'applied', purchaseCount: 'applied', birthday: 'applied' }, 170_000],
    ['sum over the cap', { policy: 'sum', capPercent: 1000 }, { referral: 'applied', purchaseCount: 'applied', birthday: 'superseded' }, 100_000],
    ['priority', { policy: 'priority', order: ['birthday', 'purchaseCount'] }, { referral: 'superseded', purchaseCount: 'superseded', birthday: 'applied' }, 50_000],
  ])('%s', (_name, stacking, statuses, discountMinor) => {
    const result = contactDiscounts(exampleProgramme({ stacking }), SALES, earned);
    expect(statusOf(result.lines)).toMatchObject({ ...statuses, group: 'not-earned', cashback: 'not-earned' });
    expect(result.discountMinor).toBe(discountMinor);
    expect(result.discountPercent).toBe(discountMinor / 100);
  });

  it('names the winner in the superseded reason', () => {
    const result = contactDiscounts(programme, SALES, earned);
    expect(result.lines.find((l) => l.kind === 'referral')?.reason).toBe('superseded by cumulative discount 7 %');
  });

  it('cuts the last discount to fit the sum cap', () => {
    const result = contactDiscounts(exampleProgramme({ stacking: { policy: 'sum', capPercent: 1300 } }), SALES, earned);
    expect(result.lines.find((l) => l.kind === 'birthday')).toMatchObject({ status: 'applied', amountMinor: 10_000, reason: 'cut by the 13 % cap on combined discounts' });
    expect(result.discountMinor).toBe(130_000);
  });

  it('supersedes discounts missing from the priority order when nothing in it is earned', () => {
    const result = contactDiscounts(exampleProgramme({ stacking: { policy: 'priority', order: ['group'] } }), SALES, facts({ referralPercent: 500 }));
    expect(result.lines.find((l) => l.kind === 'referral')).toMatchObject({ status: 'superseded', reason: 'not in the stacking priority order' });
  });
});

describe('groups and cashback redemption', () => {
  it('limits a group discount by what was granted today and lets the best amount win', () => {
    const result = contactDiscounts(programme, SALES, facts({ groupIds: ['vip'], groupGrantedTodayMinor: { vip: 450_000 }, referralPercent: 500 }));
    expect(result.lines.find((l) => l.kind === 'referral')).toMatchObject({ status: 'applied', amountMinor: 50_000 });
    expect(result.lines.find((l) => l.kind === 'group')).toMatchObject({ status: 'superseded', label: 'group VIP' });
    expect(result.groupGranted).toBeNull();
  });

  it('says in the line when the daily limit cut a group discount', () => {
    const result = contactDiscounts(programme, SALES, facts({ groupIds: ['vip'], groupGrantedTodayMinor: { vip: 450_000 } }));
    const group = result.lines.find((l) => l.kind === 'group');
    expect(group).toMatchObject({ status: 'applied', amountMinor: 50_000 });
    expect(formatDiscountLine(group!, programme)).toBe('group VIP 10 % — applied, 500.00 RUB (daily limit 5000.00 RUB, 4500.00 RUB already granted today)');
  });

  it('marks an exhausted daily limit as not earned', () => {
    const result = contactDiscounts(programme, SALES, facts({ groupIds: ['vip'], groupGrantedTodayMinor: { vip: 500_000 } }));
    expect(result.lines.find((l) => l.kind === 'group')).toMatchObject({ status: 'not-earned', amountMinor: 0 });
  });

  it('caps cashback redemption at the configured share of the discounted deal', () => {
    const result = contactDiscounts(programme, SALES, facts({ purchaseCount: 2, cashbackToRedeemMinor: 900_000 }));
    expect(result.cashbackRedeemedMinor).toBe(291_000);
    expect(result.lines.find((l) => l.kind === 'cashback')?.reason).toBe('limited to 30 % of the deal');
  });
});

describe('multi-contact deals', () => {
  it('computes each traveller’s discounts separately', () => {
    const results = [facts({ contactId: 'a', referralPercent: 1000 }), facts({ contactId: 'b', groupIds: ['staff'] })].map((f) => contactDiscounts(programme, TRAVEL, f));
    expect(results.map((r) => [r.contactId, r.discountPercent])).toEqual([
      ['a', 1000],
      ['b', 1500],
    ]);
    expect(results.map((r) => r.groupGranted)).toEqual([null, { groupId: 'staff', amountMinor: 150_000 }]);
  });
});
