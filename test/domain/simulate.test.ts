import { describe, expect, it } from 'vitest';
import { simulate, type CustomerHistory, type HistoryContact, type HistoryEvent } from '../../src/domain/simulate';
import { exampleProgramme } from './programme.fixture';

const programme = exampleProgramme();
const at = (iso: string): number => Date.parse(iso);

function contact(id: string, extra: Partial<HistoryContact> = {}): HistoryContact {
  return { id, name: `contact ${id}`, birthdate: null, groups: [], ...extra };
}

function won(dealId: string, contactIds: string[], amountMinor: number, when: string, pipelineId = 0): HistoryEvent {
  return { kind: 'won', at: at(when), dealId, pipelineId, amountMinor, contactIds };
}

function history(events: HistoryEvent[], asOf = '2026-06-01T12:00:00+03:00', contacts = ['R', 'G', 'a', 'b', 'c', 'd'].map((id) => contact(id))): CustomerHistory {
  return { contacts, events, asOf: at(asOf) };
}

function referred(ids: string[], referrerId = 'R'): HistoryEvent[] {
  return ids.map((referredId) => ({ kind: 'referral', at: at('2026-01-10T10:00:00+03:00'), referrerId, referredId }));
}

const summaryOf = (result: ReturnType<typeof simulate>, id: string) => result.contacts.find((c) => c.contactId === id);

describe('simulate: referral thresholds', () => {
  it.each([
    [2, 0],
    [3, 500],
    [9, 500],
    [10, 1000],
  ])('%i referred contacts with won first deals give the referrer %i basis points', (n, percent) => {
    const ids = Array.from({ length: n }, (_, i) => `f${i}`);
    const deals = ids.map((id, i) => won(`d${i}`, [id], 200_000, `2026-02-${String(i + 1).padStart(2, '0')}T12:00:00+03:00`));
    const result = simulate(programme, history([...referred(ids), ...deals], undefined, [contact('R'), ...ids.map((id) => contact(id))]));
    expect(summaryOf(result, 'R')).toMatchObject({ qualifiedReferrals: n, referralPercent: percent });
  });
});

describe('simulate: a deal won then lost gives back exactly what it gave', () => {
  const base: HistoryEvent[] = [
    { kind: 'referral', at: at('2026-01-05T10:00:00+03:00'), referrerId: 'G', referredId: 'R' },
    ...referred(['a', 'b', 'c']),
    won('1', ['a'], 300_000, '2026-02-01T12:00:00+03:00'),
    won('2', ['b'], 6_000_000, '2026-02-02T12:00:00+03:00'),
  ];
  const reversed = [won('3', ['c', 'R'], 8_000_000, '2026-02-03T12:00:00+03:00'), { kind: 'lost' as const, at: at('2026-02-20T12:00:00+03:00'), dealId: '3' }];

  it('restores every contact’s referral tier, purchases and cashback', () => {
    const without = simulate(programme, history(base));
    const withReversal = simulate(programme, history([...base, ...reversed]));
    expect(withReversal.contacts).toEqual(without.contacts);
  });

  it('had granted something while the deal stood, and claws back the same amounts', () => {
    const whileWon = simulate(programme, history([...base, won('3', ['c', 'R'], 8_000_000, '2026-02-03T12:00:00+03:00')]));
    expect(summaryOf(whileWon, 'R')).toMatchObject({ referralPercent: 500, purchases: 1 });
    const result = simulate(programme, history([...base, ...reversed]));
    for (const [id, keys] of [['c', ['deal:3', 'referral-welcome:c']], ['G', ['referral-second-level:3']]] as const) {
      const entries = result.ledgers[id] ?? [];
      for (const key of keys) {
        const credited = entries.filter((e) => e.key === key && e.kind === 'accrual').reduce((s, e) => s + e.amount, 0);
        const clawed = entries.filter((e) => e.key === `clawback:${key}`).reduce((s, e) => s + e.amount, 0);
        expect(credited).toBeGreaterThan(0);
        expect(clawed).toBe(credited);
      }
    }
    // The payer (the first contact) earns on the whole 8 000 000: the 7 % tier, 560 000; the other traveller nothing.
    expect(result.ledgers.c?.find((e) => e.key === 'deal:3')?.amount).toBe(560_000);
    expect((result.ledgers.R ?? []).some((e) => e.key === 'deal:3')).toBe(false);
  });
});

describe('simulate: birthday week either side', () => {
  const anna = [contact('A', { birthdate: '1990-03-15' })];
  it.each([
    ['2026-03-07T23:59:00+03:00', false],
    ['2026-03-08T00:00:00+03:00', true],
    ['2026-03-15T12:00:00+03:00', true],
    ['2026-03-22T23:59:00+03:00', true],
    ['2026-03-23T00:00:00+03:00', false],
  ])('a deal won at %s gets the birthday discount: %s', (when, applied) => {
    const result = simulate(programme, history([won('b', ['A'], 100_000, when)], '2026-04-01', anna));
    const birthday = result.deals[0]?.contacts[0]?.lines.find((l) => l.kind === 'birthday');
    expect(birthday?.status).toBe(applied ? 'applied' : 'not-earned');
  });
});

describe('simulate: cashback expiry and the yearly reset', () => {
  it('writes the balance off at the end of 31 December in the programme time zone', () => {
    const events = [won('1', ['a'], 1_000_000, '2026-11-10T12:00:00+03:00')];
    const before = simulate(programme, history(events, '2026-12-31T23:59:00+03:00'));
    const after = simulate(programme, history(events, '2027-01-01T00:00:00+03:00'));
    expect(summaryOf(before, 'a')?.cashbackAvailableMinor).toBe(50_000);
    expect(summaryOf(after, 'a')?.cashbackAvailableMinor).toBe(0);
    expect(after.lines.at(-1)).toMatchObject({ at: at('2027-01-01T00:00:00+03:00'), area: 'cashback', change: 'reset −500.00 RUB, balance 0.00 RUB' });
  });

  it('expires a lot after its lifetime when there is no reset', () => {
    const noReset = exampleProgramme({ cashback: { ...programme.cashback, reset: null, lotExpiryDays: 30 } });
    const events = [won('1', ['a'], 1_000_000, '2026-03-10T12:00:00+03:00')];
    expect(summaryOf(simulate(noReset, history(events, '2026-04-09T23:00:00+03:00')), 'a')?.cashbackAvailableMinor).toBe(50_000);
    expect(summaryOf(simulate(noReset, history(events, '2026-04-10T00:00:00+03:00')), 'a')?.cashbackAvailableMinor).toBe(0);
  });
});

describe('simulate: bonuses and rejections', () => {
  it('credits valid bonuses and reports invalid ones', () => {
    const events: HistoryEvent[] = [
      { kind: 'bonus', at: at('2026-02-01T10:00:00+03:00'), bonus: { kind: 'review', contactId: 'a', reason: 'a kind review online', grantedBy: '9' } },
      { kind: 'bonus', at: at('2026-02-01T11:00:00+03:00'), bonus: { kind: 'apology', contactId: 'a', reason: 'sorry', grantedBy: '9' } },
    ];
    const result = simulate(programme, history(events));
    expect(summaryOf(result, 'a')?.cashbackAvailableMinor).toBe(30_000);
    expect(result.lines.find((l) => l.change === 'apology bonus rejected')?.reason).toBe('reason: must be at least 20 characters, got 5; grantedBy: user 9 may not grant apology bonuses');
  });

  it('reports referral rejections in the history', () => {
    const events: HistoryEvent[] = [won('0', ['b'], 100_000, '2026-01-01T12:00:00+03:00'), ...referred(['R', 'b'])];
    const changes = simulate(programme, history(events)).lines.filter((l) => l.area === 'referral').map((l) => l.change);
    expect(changes).toEqual(['rejected: self-referral', 'rejected: existing-customer']);
  });
});

describe('simulate: discounts per deal', () => {
  it('enforces the group daily limit across deals of the same local day', () => {
    const vip = [contact('v', { groups: ['vip'] })];
    const events = [
      won('1', ['v'], 3_000_000, '2026-02-01T10:00:00+03:00'),
      won('2', ['v'], 3_000_000, '2026-02-01T18:00:00+03:00'),
      won('3', ['v'], 3_000_000, '2026-02-01T23:30:00+03:00'),
      won('4', ['v'], 3_000_000, '2026-02-02T00:30:00+03:00'),
    ];
    const granted = simulate(programme, history(events, '2026-03-01', vip)).deals.map((d) => d.contacts[0]?.groupGranted?.amountMinor ?? 0);
    expect(granted).toEqual([300_000, 200_000, 0, 300_000]);
  });

  it('gives a referred contact the welcome discount on their first deal in a two-sided programme', () => {
    const twoSided = exampleProgramme({ referral: { ...programme.referral, welcome: { kind: 'discount', percent: 700 } } });
    const events = [...referred(['a']), won('1', ['a'], 1_000_000, '2026-02-01T12:00:00+03:00'), won('2', ['a'], 1_000_000, '2026-02-02T12:00:00+03:00')];
    const referral = simulate(twoSided, history(events)).deals.map((d) => d.contacts[0]?.lines.find((l) => l.kind === 'referral')?.percent);
    expect(referral).toEqual([700, 0]);
  });
});
