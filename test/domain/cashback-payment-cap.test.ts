import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cashbackPaymentLimit, checkCashbackPayment } from '../../src/domain/cashback-ledger';

describe('cashback payment cap', () => {
  it.each([
    // deal, cap (bp), limit
    [100_000_00, 3000, 30_000_00],
    [100_000_00, 10_000, 100_000_00],
    [100_000_00, 0, 0],
    // 33.33 % of 999.99 = 333.29667 → 333.29: rounded down, never above the cap.
    [999_99, 3333, 333_29],
    [1, 5000, 0],
  ])('deal %i with a %i bp cap may be paid with at most %i of cashback', (deal, cap, limit) => {
    expect(cashbackPaymentLimit(deal, cap)).toBe(limit);
  });

  it('allows a payment within both the cap and the balance, otherwise says which one it breaks', () => {
    const request = { dealAmountMinor: 10_000_00, maxPaymentBasisPoints: 2000, availableMinor: 1_500_00 };
    expect(checkCashbackPayment({ ...request, requestedMinor: 1_500_00 })).toEqual({ allowed: true, amountMinor: 1_500_00, limitMinor: 1_500_00 });
    expect(checkCashbackPayment({ ...request, requestedMinor: 1_500_01 })).toEqual({
      allowed: false,
      reason: 'over-balance',
      limitMinor: 1_500_00,
      message: 'insufficient cashback balance: requested 150001, available 150000 (minor units)',
    });
    expect(checkCashbackPayment({ ...request, availableMinor: 5_000_00, requestedMinor: 2_000_01 })).toEqual({
      allowed: false,
      reason: 'over-cap',
      limitMinor: 2_000_00,
      message: 'cashback may pay at most 20.00 % of the deal: 200000 of 1000000 (minor units), requested 200001',
    });
  });

  it('never allows more than the cap share or the balance, and allows anything up to their minimum', () => {
    fc.assert(
      fc.property(fc.nat(1e12), fc.integer({ min: 0, max: 10_000 }), fc.nat(1e12), fc.nat(1e12), (deal, cap, available, requested) => {
        const check = checkCashbackPayment({ dealAmountMinor: deal, maxPaymentBasisPoints: cap, availableMinor: available, requestedMinor: requested });
        // limit × 10 000 ≤ deal × cap < (limit + 1) × 10 000, in exact integers.
        const cashCap = cashbackPaymentLimit(deal, cap);
        expect(BigInt(cashCap) * 10_000n <= BigInt(deal) * BigInt(cap) && BigInt(deal) * BigInt(cap) < BigInt(cashCap + 1) * 10_000n).toBe(true);
        expect(check.allowed).toBe(requested <= Math.min(cashCap, available));
        expect(check.limitMinor).toBe(Math.min(cashCap, available));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a cap above 100 % and malformed amounts by name', () => {
    expect(() => cashbackPaymentLimit(100, 10_001)).toThrow('maxPaymentBasisPoints: at most 10000 (100 %), got 10001');
    expect(() => cashbackPaymentLimit(-1, 100)).toThrow('dealAmountMinor: expected a non-negative integer, got -1');
    expect(() => checkCashbackPayment({ dealAmountMinor: 100, maxPaymentBasisPoints: 100, availableMinor: 5, requestedMinor: 1.5 })).toThrow('requestedMinor');
    expect(() => checkCashbackPayment({ dealAmountMinor: 100, maxPaymentBasisPoints: 100, availableMinor: Number.NaN, requestedMinor: 1 })).toThrow('availableMinor');
  });
});
