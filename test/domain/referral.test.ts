import { describe, expect, it } from 'vitest';
import {
  contactReferralDiscount,
  emptyReferralState,
  linkReferral,
  qualifyReferral,
  referrerDiscount,
  reverseQualification,
  type ReferralState,
  type WonDeal,
} from '../../src/domain/referral';
import { exampleProgramme } from './programme.fixture';

const programme = exampleProgramme();
const T0 = Date.UTC(2026, 0, 10);

function link(state: ReferralState, referrerId: string, referredId: string, options: { existing?: boolean; ancestors?: string[] } = {}) {
  return linkReferral(state, { referrerId, referredId, at: T0, referredIsExistingCustomer: options.existing ?? false, referrerAncestors: options.ancestors }, programme);
}

function won(contactId: string, dealId: string, extra: Partial<WonDeal> = {}): WonDeal {
  return { dealId, contactId, pipelineId: 0, amountMinor: 500_000, wonAt: T0 + 1000, isFirstWonDeal: true, ...extra };
}

/** A referrer "R" with `n` referred contacts whose first deals were won. */
function withQualifiedReferrals(n: number, p = programme): ReferralState {
  let state = emptyReferralState();
  for (let i = 1; i <= n; i += 1) {
    state = linkReferral(state, { referrerId: 'R', referredId: `c${i}`, at: T0, referredIsExistingCustomer: false }, p).state;
    state = qualifyReferral(state, won(`c${i}`, `d${i}`), p).state;
  }
  return state;
}

describe('referral thresholds', () => {
  it.each([
    [0, 0],
    [2, 0],
    [3, 500],
    [9, 500],
    [10, 1000],
    [12, 1000],
  ])('%i qualified referrals give %i basis points', (count, percent) => {
    const discount = referrerDiscount(withQualifiedReferrals(count), 'R', programme);
    expect(discount).toMatchObject({ percent, qualifiedCount: count });
  });

  it('names the tier reached and the next tier to reach', () => {
    expect(referrerDiscount(withQualifiedReferrals(2), 'R', programme).reached).toBeNull();
    expect(referrerDiscount(withQualifiedReferrals(4), 'R', programme).reached).toEqual({ atLeast: 3, percent: 500 });
    expect(referrerDiscount(withQualifiedReferrals(4), 'R', programme).next).toEqual({ atLeast: 10, percent: 1000 });
    expect(referrerDiscount(withQualifiedReferrals(10), 'R', programme).next).toBeNull();
  });

  it('records the tier change in the decision when the third referral qualifies', () => {
    const state = link(withQualifiedReferrals(2), 'R', 'c3').state;
    const { decision } = qualifyReferral(state, won('c3', 'd3'), programme);
    expect(decision).toMatchObject({ kind: 'qualified', referrerPercentBefore: 0, referrerPercentAfter: 500 });
    expect(decision.reason).toBe('deal d3 of referred contact c3 qualifies: referrer R has 3 qualified referral(s), discount 5 %');
  });
});

describe('linkReferral rejections', () => {
  it('rejects self-referral', () => {
    const { state, decision } = link(emptyReferralState(), 'A', 'A');
    expect(decision).toMatchObject({ kind: 'link-rejected', rejection: 'self-referral' });
    expect(state).toEqual(emptyReferralState());
  });

  it('rejects a two-contact cycle A→B→A', () => {
    const state = link(emptyReferralState(), 'A', 'B').state;
    expect(link(state, 'B', 'A').decision).toMatchObject({ kind: 'link-rejected', rejection: 'referral-cycle' });
  });

  it('rejects a longer cycle found in the state (A→B→C→A)', () => {
    const state = link(link(emptyReferralState(), 'A', 'B').state, 'B', 'C').state;
    expect(link(state, 'C', 'A').decision).toMatchObject({ rejection: 'referral-cycle' });
  });

  it('rejects a cycle through ancestors known only to the caller', () => {
    expect(link(emptyReferralState(), 'C', 'A', { ancestors: ['B', 'A'] }).decision).toMatchObject({ rejection: 'referral-cycle' });
    expect(link(emptyReferralState(), 'C', 'X', { ancestors: ['B', 'A'] }).decision.kind).toBe('linked');
  });

  it('rejects a contact whose referrer is recorded elsewhere', () => {
    const request = { referrerId: 'A', referredId: 'B', at: T0, referredIsExistingCustomer: false };
    expect(linkReferral(emptyReferralState(), { ...request, referredCurrentReferrerId: 'Q' }, programme).decision).toMatchObject({
      kind: 'link-rejected',
      rejection: 'already-referred',
      reason: 'contact B was already referred by Q',
    });
    expect(linkReferral(emptyReferralState(), { ...request, referredCurrentReferrerId: 'A' }, programme).decision).toMatchObject({ rejection: 'duplicate' });
    expect(linkReferral(emptyReferralState(), { ...request, referredCurrentReferrerId: null }, programme).decision.kind).toBe('linked');
  });

  it('rejects an existing customer', () => {
    expect(link(emptyReferralState(), 'A', 'B', { existing: true }).decision).toMatchObject({
      rejection: 'existing-customer',
      reason: 'contact B already had a won deal before the referral',
    });
  });

  it('links an existing customer when the programme allows it', () => {
    const lenient = exampleProgramme({ referral: { ...programme.referral, rejectExistingCustomers: false } });
    const { decision } = linkReferral(emptyReferralState(), { referrerId: 'A', referredId: 'B', at: T0, referredIsExistingCustomer: true }, lenient);
    expect(decision.kind).toBe('linked');
  });

  it('reports a repeated link as duplicate and a second referrer as already-referred', () => {
    const state = link(emptyReferralState(), 'A', 'B').state;
    expect(link(state, 'A', 'B')).toMatchObject({ state, decision: { rejection: 'duplicate' } });
    expect(link(state, 'C', 'B').decision).toMatchObject({ rejection: 'already-referred', reason: 'contact B was already referred by A' });
  });
});

describe('qualifyReferral', () => {
  const linked = link(emptyReferralState(), 'A', 'B').state;

  it.each([
    ['pipeline-not-qualifying', won('B', 'd', { pipelineId: 1 }), 'pipeline Travel club does not qualify referrals'],
    ['below-minimum-amount', won('B', 'd', { amountMinor: 99_999 }), 'deal amount 99999 is below the minimum 100000 (minor units)'],
    ['not-first-deal', won('B', 'd', { isFirstWonDeal: false }), 'deal d is not the first won deal of contact B'],
    ['not-referred', won('Z', 'd'), 'contact Z has no referrer'],
  ])('does not qualify: %s', (notQualified, deal, reason) => {
    const { state, decision } = qualifyReferral(linked, deal, programme);
    expect(decision).toMatchObject({ kind: 'not-qualified', notQualified, reason });
    expect(state).toBe(linked);
  });

  it('qualifies exactly at the minimum amount', () => {
    expect(qualifyReferral(linked, won('B', 'd', { amountMinor: 100_000 }), programme).decision.kind).toBe('qualified');
  });

  it('is idempotent by deal id', () => {
    const once = qualifyReferral(linked, won('B', 'd'), programme).state;
    const twice = qualifyReferral(once, won('B', 'd'), programme);
    expect(twice.decision).toMatchObject({ kind: 'not-qualified', notQualified: 'duplicate' });
    expect(referrerDiscount(twice.state, 'A', programme).qualifiedCount).toBe(1);
  });

  it('counts distinct contacts by default, deals when configured', () => {
    const anyDeal = { ...programme.referral, qualifyingDeal: 'any' as const };
    const byContacts = exampleProgramme({ referral: anyDeal });
    const byDeals = exampleProgramme({ referral: { ...anyDeal, countBy: 'deals' } });
    for (const [p, expected] of [[byContacts, 1], [byDeals, 3]] as const) {
      let state = linkReferral(emptyReferralState(), { referrerId: 'A', referredId: 'B', at: T0, referredIsExistingCustomer: false }, p).state;
      for (const dealId of ['d1', 'd2', 'd3']) state = qualifyReferral(state, won('B', dealId, { isFirstWonDeal: dealId === 'd1' }), p).state;
      expect(referrerDiscount(state, 'A', p).qualifiedCount).toBe(expected);
    }
  });

  it('grants the welcome reward once and the second-level reward to the referrer’s referrer', () => {
    const chain = link(link(emptyReferralState(), 'G', 'A').state, 'A', 'B').state;
    const anyDeal = exampleProgramme({ referral: { ...programme.referral, qualifyingDeal: 'any' } });
    const first = qualifyReferral(chain, won('B', 'd1'), anyDeal);
    expect(first.decision).toMatchObject({ welcome: { kind: 'cashback', amountMinor: 50_000 }, secondLevel: { contactId: 'G', amountMinor: 20_000 } });
    const second = qualifyReferral(first.state, won('B', 'd2', { isFirstWonDeal: false }), anyDeal);
    expect(second.decision).toMatchObject({ kind: 'qualified', welcome: null });
  });

  it('keeps the state plain JSON', () => {
    const state = withQualifiedReferrals(3);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('reverseQualification', () => {
  it('drops the referrer back a tier and is idempotent', () => {
    const state = withQualifiedReferrals(3);
    const reversed = reverseQualification(state, 'd2', T0 + 5000, programme);
    expect(reversed.decision).toMatchObject({ kind: 'reversed', referrerPercentBefore: 500, referrerPercentAfter: 0 });
    expect(referrerDiscount(reversed.state, 'R', programme).qualifiedCount).toBe(2);
    const again = reverseQualification(reversed.state, 'd2', T0 + 6000, programme);
    expect(again.decision.kind).toBe('reversal-ignored');
    expect(again.state).toBe(reversed.state);
  });

  it('takes back the welcome and second-level cashback of a reversed qualification, and grants them again under new keys', () => {
    const chain = link(link(emptyReferralState(), 'G', 'A').state, 'A', 'B').state;
    const first = qualifyReferral(chain, won('B', 'd1'), programme);
    expect(first.decision).toMatchObject({
      credits: [
        { reward: 'welcome', contactId: 'B', key: 'referral-welcome:B', amountMinor: 50_000 },
        { reward: 'second-level', contactId: 'G', key: 'referral-second-level:d1', amountMinor: 20_000 },
      ],
    });
    const reversed = reverseQualification(first.state, 'd1', T0 + 5000, programme);
    expect(reversed.decision).toMatchObject({
      kind: 'reversed',
      takeBack: [
        { reward: 'second-level', contactId: 'G', key: 'referral-second-level:d1' },
        { reward: 'welcome', contactId: 'B', key: 'referral-welcome:B' },
      ],
    });
    expect(reversed.decision.reason).toContain('taken back: second-level reward of contact G, welcome reward of contact B');

    const again = qualifyReferral(reversed.state, won('B', 'd1', { wonAt: T0 + 9000 }), programme);
    expect(again.decision).toMatchObject({
      kind: 'qualified',
      welcome: { kind: 'cashback', amountMinor: 50_000 },
      credits: [
        { reward: 'welcome', key: `referral-welcome:B#${T0 + 9000}` },
        { reward: 'second-level', key: `referral-second-level:d1#${T0 + 9000}` },
      ],
    });
    expect(referrerDiscount(again.state, 'A', programme).qualifiedCount).toBe(1);
  });

  it('keeps the rewards when told to (runs from before the rule), so a deal won again earns no second welcome', () => {
    const chain = link(emptyReferralState(), 'A', 'B').state;
    const first = qualifyReferral(chain, won('B', 'd1'), programme);
    const reversed = reverseQualification(first.state, 'd1', T0 + 5000, programme, { takeBackRewards: false });
    expect(reversed.decision).toMatchObject({ kind: 'reversed', takeBack: [] });
    const again = qualifyReferral(reversed.state, won('B', 'd1', { wonAt: T0 + 9000 }), programme);
    expect(again.decision).toMatchObject({ kind: 'qualified', welcome: null, credits: [] });
  });

  it('moves the welcome to another active qualification of the same contact instead of taking it back', () => {
    const anyDeal = exampleProgramme({ referral: { ...programme.referral, qualifyingDeal: 'any' } });
    const chain = link(emptyReferralState(), 'A', 'B').state;
    const first = qualifyReferral(chain, won('B', 'd1'), anyDeal);
    const second = qualifyReferral(first.state, won('B', 'd2', { isFirstWonDeal: false }), anyDeal);
    const firstReversed = reverseQualification(second.state, 'd1', T0 + 5000, anyDeal);
    expect(firstReversed.decision).toMatchObject({ kind: 'reversed', takeBack: [] });
    const secondReversed = reverseQualification(firstReversed.state, 'd2', T0 + 6000, anyDeal);
    expect(secondReversed.decision).toMatchObject({ kind: 'reversed', takeBack: [{ reward: 'welcome', contactId: 'B', key: 'referral-welcome:B' }] });
  });

  it('treats a qualification recorded before rewards were tracked as holding the welcome and takes nothing back', () => {
    const chain = link(emptyReferralState(), 'A', 'B').state;
    const { rewards: _dropped, ...legacy } = qualifyReferral(chain, won('B', 'd1'), programme).state.qualifications.d1!;
    const state: ReferralState = { ...chain, qualifications: { d1: legacy } };
    expect(reverseQualification(state, 'd1', T0 + 5000, programme).decision).toMatchObject({ kind: 'reversed', takeBack: [] });
    const anyDeal = exampleProgramme({ referral: { ...programme.referral, qualifyingDeal: 'any' } });
    expect(qualifyReferral(state, won('B', 'd2', { isFirstWonDeal: false }), anyDeal).decision).toMatchObject({ kind: 'qualified', welcome: null, credits: [] });
  });

  it('never lowers the discount except through a reversal: the percent is monotone in qualifications', () => {
    let previous = 0;
    for (let n = 0; n <= 12; n += 1) {
      const percent = referrerDiscount(withQualifiedReferrals(n), 'R', programme).percent;
      expect(percent).toBeGreaterThanOrEqual(previous);
      previous = percent;
    }
  });
});

describe('contactReferralDiscount', () => {
  const twoSided = exampleProgramme({ referral: { ...programme.referral, welcome: { kind: 'discount', percent: 700 } } });

  it('gives a referred contact the welcome discount until their first qualified deal', () => {
    const linked = linkReferral(emptyReferralState(), { referrerId: 'A', referredId: 'B', at: T0, referredIsExistingCustomer: false }, twoSided).state;
    expect(contactReferralDiscount(linked, 'B', twoSided)).toEqual({ percent: 700, source: 'welcome' });
    const qualified = qualifyReferral(linked, won('B', 'd1'), twoSided).state;
    expect(contactReferralDiscount(qualified, 'B', twoSided)).toEqual({ percent: 0, source: 'none' });
  });

  it('takes the referred side from outside the state when a workflow keeps only the referrals a contact made', () => {
    const own = emptyReferralState();
    expect(contactReferralDiscount(own, 'B', twoSided, { referred: true, everQualified: false })).toEqual({ percent: 700, source: 'welcome' });
    expect(contactReferralDiscount(own, 'B', twoSided, { referred: true, everQualified: true })).toEqual({ percent: 0, source: 'none' });
  });

  it('uses the referrer tier when it is higher than the welcome discount', () => {
    const state = link(withQualifiedReferrals(10), 'X', 'R').state;
    expect(contactReferralDiscount(state, 'R', twoSided)).toEqual({ percent: 1000, source: 'referrer-tier' });
  });

  it('gives nothing for a cashback welcome reward or a disabled programme', () => {
    const linked = link(emptyReferralState(), 'A', 'B').state;
    expect(contactReferralDiscount(linked, 'B', programme).source).toBe('none');
    const off = exampleProgramme({ referral: { ...twoSided.referral, enabled: false } });
    expect(contactReferralDiscount(withQualifiedReferrals(3), 'R', off)).toEqual({ percent: 0, source: 'none' });
  });
});
