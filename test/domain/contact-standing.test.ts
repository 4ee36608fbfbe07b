import { describe, expect, it } from 'vitest';
import { contactStanding, type ContactStandingFacts } from '../../src/domain/contact-standing';
import { exampleProgramme } from './programme.fixture';

// 2026-06-10 12:00 in Moscow (UTC+3).
const NOW = Date.parse('2026-06-10T09:00:00Z');
const MOSCOW_MIDNIGHT = (day: string) => Date.parse(`${day}T00:00:00+03:00`);

function facts(overrides: Partial<ContactStandingFacts> = {}): ContactStandingFacts {
  return { referral: { percent: 0, reason: 'no referral activity yet' }, purchaseCount: 0, birthdayWindow: null, cashbackAvailableMinor: 0, ...overrides };
}

const byKind = (standing: ReturnType<typeof contactStanding>) => Object.fromEntries(standing.discounts.map((d) => [d.kind, d]));

describe('contactStanding: the discounts a contact holds now, and why', () => {
  it('reports earned discounts with their percent, reason and pipelines', () => {
    const standing = byKind(
      contactStanding(
        exampleProgramme(),
        facts({
          referral: { percent: 500, reason: '5 % referral discount: 3 qualified referrals' },
          purchaseCount: 3,
          birthdayWindow: { start: MOSCOW_MIDNIGHT('2026-06-05'), end: MOSCOW_MIDNIGHT('2026-06-20') },
          cashbackAvailableMinor: 1_234_56,
        }),
        NOW,
      ),
    );
    expect(standing.referral).toMatchObject({ status: 'earned', percent: 500, reason: '5 % referral discount: 3 qualified referrals', pipelines: ['Sales', 'Travel club'] });
    expect(standing.purchaseCount).toMatchObject({ status: 'earned', percent: 300, reason: '3 purchase(s); next: 7 % from 5 purchase(s)', pipelines: ['Sales'] });
    expect(standing.birthday).toMatchObject({ status: 'earned', reason: 'birthday window open, 2026-06-05 to 2026-06-19 (Europe/Moscow)' });
    expect(standing.cashback).toMatchObject({ status: 'earned', percent: 0, reason: '1234.56 RUB available to pay with, up to 30 % of a deal', pipelines: ['Sales'] });
    expect(standing.group).toMatchObject({ status: 'per-deal' });
  });

  it('says what is missing when nothing is earned yet', () => {
    const standing = byKind(
      contactStanding(exampleProgramme(), facts({ purchaseCount: 1, birthdayWindow: { start: MOSCOW_MIDNIGHT('2026-06-11'), end: MOSCOW_MIDNIGHT('2026-06-26') } }), NOW),
    );
    expect(standing.referral).toMatchObject({ status: 'not-earned', percent: 0 });
    expect(standing.purchaseCount).toMatchObject({ status: 'not-earned', percent: 0, reason: '1 purchase(s), below the first tier (3 % from 2 purchase(s))' });
    expect(standing.birthday).toMatchObject({ status: 'not-earned', percent: 0, reason: 'next birthday window 2026-06-11 to 2026-06-25 (Europe/Moscow)' });
    expect(byKind(contactStanding(exampleProgramme(), facts(), NOW)).birthday).toMatchObject({ reason: 'no birthdate in the CRM' });
  });

  it('the top tier has no next step', () => {
    expect(byKind(contactStanding(exampleProgramme(), facts({ purchaseCount: 9 }), NOW)).purchaseCount).toMatchObject({ percent: 700, reason: '9 purchase(s); next: the top tier' });
  });

  it('marks programmes switched off or applied in no pipeline as off, whatever the facts', () => {
    const base = exampleProgramme();
    const programme = exampleProgramme({
      birthday: { ...base.birthday, enabled: false },
      groups: [],
      applicability: base.applicability.map((row) => ({ ...row, discounts: row.discounts.filter((kind) => kind !== 'referral') })),
    });
    const standing = byKind(contactStanding(programme, facts({ referral: { percent: 500, reason: 'tier' } }), NOW));
    expect(standing.referral).toMatchObject({ status: 'off', reason: 'applies in no pipeline', pipelines: [] });
    expect(standing.birthday).toMatchObject({ status: 'off', reason: 'not part of the programme' });
    expect(standing.group).toMatchObject({ status: 'off' });
  });

  it('describes how earned discounts combine', () => {
    expect(contactStanding(exampleProgramme({ stacking: { policy: 'best' } }), facts(), NOW).stacking).toBe('the best single percent discount applies');
    expect(contactStanding(exampleProgramme({ stacking: { policy: 'sum', capPercent: 1500 } }), facts(), NOW).stacking).toBe('percent discounts add up, capped at 15 %');
    expect(contactStanding(exampleProgramme({ stacking: { policy: 'priority', order: ['birthday', 'referral'] } }), facts(), NOW).stacking).toBe(
      'the first earned in the order birthday discount, referral discount applies',
    );
  });
});
