import { describe, expect, it } from 'vitest';
import { cashbackAmountFor, cashbackPercentFor, lotTimes } from '../../src/domain/cashback-rules';
import { exampleProgramme } from './programme.fixture';

const rules = exampleProgramme().cashback;

describe('cashback accrual percent', () => {
  it.each([
    [1, 500],
    [4_999_999, 500],
    [5_000_000, 500],
    [5_000_001, 700],
    [100_000_000, 700],
  ])('a deal of %i minor units earns %i basis points (5 %% up to 50 000 inclusive, 7 %% above)', (amount, percent) => {
    expect(cashbackPercentFor(amount, 0, rules)).toBe(percent);
  });

  it('uses cumulative spend when configured', () => {
    const bySpend = { ...rules, tierBasis: 'cumulativeSpend' as const };
    expect(cashbackPercentFor(10_000_000, 0, bySpend)).toBe(500);
    expect(cashbackPercentFor(1_000, 5_000_001, bySpend)).toBe(700);
  });

  it('rounds per the rule', () => {
    expect(cashbackAmountFor(12_345, 0, rules)).toBe(617);
    expect(cashbackAmountFor(12_345, 0, { ...rules, rounding: 'half-up' })).toBe(617);
    expect(cashbackAmountFor(12_350, 0, { ...rules, rounding: 'half-up' })).toBe(618);
    expect(cashbackAmountFor(12_345, 0, { ...rules, rounding: 'up' })).toBe(618);
  });

  it('earns nothing when disabled', () => {
    expect(cashbackPercentFor(5_000_000, 0, { ...rules, enabled: false })).toBe(0);
  });

  it('places lot expiry at the end of the local day, after the pending days', () => {
    const accruedAt = Date.parse('2026-03-10T09:00:00+03:00');
    expect(lotTimes(accruedAt, rules, 'Europe/Moscow')).toEqual({ availableAt: accruedAt, expiresAt: Date.parse('2027-03-11T00:00:00+03:00') });
    const pending = lotTimes(accruedAt, { ...rules, pendingDays: 14 }, 'Europe/Moscow');
    expect(pending.availableAt).toBe(Date.parse('2026-03-24T09:00:00+03:00'));
    expect(pending.expiresAt).toBe(Date.parse('2027-03-25T00:00:00+03:00'));
  });
});
