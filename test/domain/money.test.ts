import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateProportionally,
  currencyExponent,
  divideRounded,
  formatAmount,
  MoneyError,
  parseAmount,
  parsePercent,
  percentOf,
  ROUNDING_MODES,
  type RoundingMode,
} from '../../src/domain/money';

/** Independent reference: rounds via floor/ceil of the exact quotient instead of remainder comparisons. */
function referenceRound(numerator: bigint, denominator: bigint, rounding: RoundingMode): bigint {
  const floor = numerator >= 0n ? numerator / denominator : -((-numerator + denominator - 1n) / denominator);
  const ceil = floor * denominator === numerator ? floor : floor + 1n;
  if (floor === ceil) return floor;
  const towardZero = numerator >= 0n ? floor : ceil;
  const awayFromZero = numerator >= 0n ? ceil : floor;
  const distanceToFloor = numerator - floor * denominator;
  const distanceToCeil = ceil * denominator - numerator;
  const nearest = distanceToFloor < distanceToCeil ? floor : distanceToCeil < distanceToFloor ? ceil : undefined;
  switch (rounding) {
    case 'down':
      return towardZero;
    case 'up':
      return awayFromZero;
    case 'half-up':
      return nearest ?? awayFromZero;
    case 'half-even':
      return nearest ?? (floor % 2n === 0n ? floor : ceil);
  }
}

const roundingMode = fc.constantFrom(...ROUNDING_MODES);

describe('currencyExponent', () => {
  it('knows zero-, two- and three-decimal currencies', () => {
    expect(currencyExponent('RUB')).toBe(2);
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
  });

  it('rejects something that is not an ISO code, naming it', () => {
    expect(() => currencyExponent('rub')).toThrow(/currency "rub"/);
    expect(() => currencyExponent('RUBL')).toThrow(MoneyError);
  });
});

describe('parseAmount / formatAmount', () => {
  it('parses exact decimal text into minor units', () => {
    expect(parseAmount('1000000.00', 2)).toBe(100_000_000);
    expect(parseAmount('50000.01', 2)).toBe(5_000_001);
    expect(parseAmount('12.5', 2)).toBe(1250);
    expect(parseAmount('-0.07', 2)).toBe(-7);
    expect(parseAmount('1500', 0)).toBe(1500);
    expect(parseAmount('1.234', 3)).toBe(1234);
  });

  it('rejects more fraction digits than the currency has unless a rounding mode is given', () => {
    expect(() => parseAmount('1.005', 2)).toThrow(/amount "1.005": has 3 fraction digits, at most 2 allowed/);
    expect(parseAmount('1.005', 2, 'half-up')).toBe(101);
    expect(parseAmount('1.005', 2, 'half-even')).toBe(100);
    expect(parseAmount('1.015', 2, 'half-even')).toBe(102);
    expect(parseAmount('1.009', 2, 'down')).toBe(100);
    expect(parseAmount('1.001', 2, 'up')).toBe(101);
    expect(parseAmount('-1.005', 2, 'half-up')).toBe(-101);
  });

  it('rejects malformed text and unsafe magnitudes with the bad value in the message', () => {
    for (const bad of ['', '1,50', '1 000', '.5', '5.', '1e3', 'abc', '0x10']) {
      expect(() => parseAmount(bad, 2)).toThrow(new RegExp(`amount "${bad.replace('.', '\\.')}"`));
    }
    expect(() => parseAmount('90071992547409.92', 2)).toThrow(/outside the safe-integer range/);
    expect(() => parseAmount('1', 1.5)).toThrow(/exponent/);
  });

  it('formats minor units as plain decimal text', () => {
    expect(formatAmount(100_000_000, 2)).toBe('1000000.00');
    expect(formatAmount(5, 2)).toBe('0.05');
    expect(formatAmount(-5, 2)).toBe('-0.05');
    expect(formatAmount(1500, 0)).toBe('1500');
    expect(formatAmount(1, 3)).toBe('0.001');
    expect(() => formatAmount(0.5, 2)).toThrow(/formatAmount: expected a safe integer/);
  });

  it('round-trips any safe amount for every exponent', () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 8 }), (minor, exponent) => {
        expect(parseAmount(formatAmount(minor, exponent), exponent)).toBe(minor);
      }),
    );
  });
});

describe('percentOf', () => {
  it('takes 5 % of 50 000.00 exactly', () => {
    for (const mode of ROUNDING_MODES) expect(percentOf(parseAmount('50000.00', 2), 500, mode)).toBe(250_000);
  });

  it('rounds 7 % of 50 000.01 (= 3500.0007) per mode', () => {
    const amount = parseAmount('50000.01', 2);
    expect(percentOf(amount, 700, 'half-up')).toBe(350_000);
    expect(percentOf(amount, 700, 'half-even')).toBe(350_000);
    expect(percentOf(amount, 700, 'down')).toBe(350_000);
    expect(percentOf(amount, 700, 'up')).toBe(350_001);
  });

  it('breaks exact ties per mode (5 % of 0.10 = 0.005, of 0.30 = 0.015, of −0.10)', () => {
    expect([percentOf(10, 500, 'half-up'), percentOf(10, 500, 'half-even'), percentOf(10, 500, 'down'), percentOf(10, 500, 'up')]).toEqual([1, 0, 0, 1]);
    expect(percentOf(30, 500, 'half-even')).toBe(2);
    expect([percentOf(-10, 500, 'half-up'), percentOf(-10, 500, 'half-even'), percentOf(-10, 500, 'down'), percentOf(-10, 500, 'up')]).toEqual([-1, 0, 0, -1]);
  });

  it('matches a BigInt reference for every rounding mode', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), fc.integer({ min: 0, max: 100_000 }), roundingMode, (amount, bp, mode) => {
        const expected = referenceRound(BigInt(amount) * BigInt(bp), 10_000n, mode);
        expect(BigInt(percentOf(amount, bp, mode))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('divideRounded agrees with the reference for any sign of the denominator', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), fc.boolean(), roundingMode, (n, d, negate, mode) => {
        const denominator = negate ? -d : d;
        expect(divideRounded(n, denominator, mode)).toBe(referenceRound(negate ? -n : n, d, mode));
      }),
    );
  });

  it('rejects fractional basis points, floating amounts and unknown modes', () => {
    expect(() => percentOf(100, 7.5, 'down')).toThrow(/basisPoints/);
    expect(() => percentOf(100.5, 500, 'down')).toThrow(/amount/);
    expect(() => percentOf(100, 500, 'nearest' as RoundingMode)).toThrow(/rounding/);
  });
});

describe('cashback amounts of the published tiers (5 % up to 50 000, 7 % above), text in and out', () => {
  it.each<[string, string, RoundingMode, string]>([
    ['10000.00', '5', 'half-up', '500.00'],
    ['50000.00', '5', 'half-up', '2500.00'],
    ['50000.01', '7', 'half-up', '3500.00'],
    ['123456.78', '7', 'half-up', '8641.97'],
    ['1000000.00', '7', 'half-up', '70000.00'],
    ['1000.00', '7.5', 'half-up', '75.00'],
    // 1666.6665: not a tie, so both half modes round up; down and up differ.
    ['33333.33', '5', 'half-up', '1666.67'],
    ['33333.33', '5', 'half-even', '1666.67'],
    ['33333.33', '5', 'down', '1666.66'],
    ['33333.33', '5', 'up', '1666.67'],
    // 0.005 and 0.015: exact ties.
    ['0.10', '5', 'half-up', '0.01'],
    ['0.10', '5', 'half-even', '0.00'],
    ['0.30', '5', 'half-even', '0.02'],
  ])('%s RUB at %s %% (%s) → %s', (amount, percent, rounding, expected) => {
    expect(formatAmount(percentOf(parseAmount(amount, 2), parsePercent(percent), rounding), 2)).toBe(expected);
  });

  it('works the same in a currency with no minor unit (JPY)', () => {
    const exponent = currencyExponent('JPY');
    expect(formatAmount(percentOf(parseAmount('12345', exponent), parsePercent('5'), 'half-up'), exponent)).toBe('617');
    expect(formatAmount(percentOf(parseAmount('12350', exponent), parsePercent('5'), 'half-even'), exponent)).toBe('618');
  });
});

describe('parsePercent', () => {
  it('turns percent text or numbers into basis points', () => {
    expect(parsePercent('7.5')).toBe(750);
    expect(parsePercent('5')).toBe(500);
    expect(parsePercent('0.01')).toBe(1);
    expect(parsePercent('10%')).toBe(1000);
    expect(parsePercent(12.25)).toBe(1225);
  });

  it('rejects more than two decimals, negatives and junk', () => {
    expect(() => parsePercent('7.125')).toThrow(/percent "7.125"/);
    expect(() => parsePercent('-5')).toThrow(/percent "-5"/);
    expect(() => parsePercent(0.1 + 0.2)).toThrow(/percent "0.30000000000000004"/);
    expect(() => parsePercent('five')).toThrow(MoneyError);
  });
});

describe('allocateProportionally', () => {
  it('gives leftover units to the largest remainders, ties to the lower index', () => {
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateProportionally(10, [3, 0, 7])).toEqual([3, 0, 7]);
    expect(allocateProportionally(5, [1, 2, 2])).toEqual([1, 2, 2]);
    expect(allocateProportionally(7, [1, 2, 2])).toEqual([1, 3, 3]);
    expect(allocateProportionally(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
  });

  it('refuses to split a non-zero total over zero weights', () => {
    expect(allocateProportionally(0, [0, 0])).toEqual([0, 0]);
    expect(() => allocateProportionally(5, [0, 0])).toThrow(/cannot split 5/);
    expect(() => allocateProportionally(5, [])).toThrow(/cannot split 5/);
    expect(() => allocateProportionally(5, [1, -1])).toThrow(/weights\[1\]/);
  });

  it('always sums exactly to the target, never goes negative, and stays within one unit of the exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 30 }).filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = allocateProportionally(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          const weightSum = BigInt(weights.reduce((a, b) => a + b, 0));
          parts.forEach((part, i) => {
            expect(part).toBeGreaterThanOrEqual(0);
            const exactTimesSum = BigInt(total) * BigInt(weights[i] ?? 0);
            const scaledPart = BigInt(part) * weightSum;
            expect(scaledPart - exactTimesSum < weightSum && exactTimesSum - scaledPart < weightSum).toBe(true);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
