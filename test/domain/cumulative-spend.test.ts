import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptySpend, foldSpendBefore, recordWonSpend, reverseWonSpend, totalSpent, type SpendRecord } from '../../src/domain/cumulative-spend';

const DAY_MS = 86_400_000;

type Step = { kind: 'won'; dealId: number; amountMinor: number; day: number } | { kind: 'reversed'; dealId: number } | { kind: 'fold'; dealId?: undefined; day: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('won' as const), dealId: fc.integer({ min: 1, max: 12 }), amountMinor: fc.integer({ min: 0, max: 10_000_00 }), day: fc.integer({ min: 0, max: 800 }) }),
  fc.record({ kind: fc.constant('reversed' as const), dealId: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('fold' as const), day: fc.integer({ min: 0, max: 800 }) }),
);

describe('cumulative spend', () => {
  it('counts a won deal once, takes a reversed one back out, and keeps the total when folding', () => {
    let record = recordWonSpend(emptySpend(), { dealId: 1, amountMinor: 400_00, wonAt: 0 });
    record = recordWonSpend(record, { dealId: 1, amountMinor: 400_00, wonAt: 0 });
    record = recordWonSpend(record, { dealId: 2, amountMinor: 300_00, wonAt: 10 * DAY_MS });
    expect(totalSpent(record)).toBe(700_00);
    const folded = foldSpendBefore(record, 5 * DAY_MS);
    expect(folded).toEqual({ foldedMinor: 400_00, recent: [{ dealId: 2, amountMinor: 300_00, wonAt: 10 * DAY_MS }] });
    expect(totalSpent(reverseWonSpend(folded, 2))).toBe(400_00);
    // Folded away: too old to take back.
    expect(totalSpent(reverseWonSpend(folded, 1))).toBe(700_00);
  });

  it('refuses a negative or fractional amount, naming the deal', () => {
    expect(() => recordWonSpend(emptySpend(), { dealId: 9, amountMinor: -1, wonAt: 0 })).toThrow(/won deal 9: amount must be a non-negative integer/);
    expect(() => recordWonSpend(emptySpend(), { dealId: 9, amountMinor: 1.5, wonAt: 0 })).toThrow(/won deal 9/);
  });

  it('a step changes the total by exactly what it counts or takes back; folding never changes it', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        let record: SpendRecord = emptySpend();
        for (const s of steps) {
          const before = totalSpent(record);
          const listed = record.recent.find((won) => won.dealId === s.dealId);
          if (s.kind === 'won') {
            record = recordWonSpend(record, { dealId: s.dealId, amountMinor: s.amountMinor, wonAt: s.day * DAY_MS });
            expect(totalSpent(record)).toBe(listed ? before : before + s.amountMinor);
          } else if (s.kind === 'reversed') {
            record = reverseWonSpend(record, s.dealId);
            expect(totalSpent(record)).toBe(before - (listed?.amountMinor ?? 0));
          } else {
            record = foldSpendBefore(record, s.day * DAY_MS);
            expect(totalSpent(record)).toBe(before);
            expect(record.recent.every((won) => won.wonAt >= s.day * DAY_MS)).toBe(true);
          }
        }
      }),
    );
  });
});
