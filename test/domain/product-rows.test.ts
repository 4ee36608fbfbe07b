import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentOf } from '../../src/domain/money';
import {
  applyRowDiscounts,
  type BaseProductRow,
  baseRowsFromBitrix,
  type BitrixRowSnapshot,
  type DiscountedRows,
  type RowDiscountRequest,
} from '../../src/domain/product-rows';

const row = (basePriceMinor: number, quantity = 1000, extra: Partial<BaseProductRow> = {}): BaseProductRow => ({
  productId: 7,
  name: 'Green tea',
  basePriceMinor,
  quantity,
  taxRateBasisPoints: null,
  taxIncluded: true,
  ...extra,
});

/** What Bitrix hands back for rows we wrote: the written fields plus our key. */
const readBack = (result: DiscountedRows): BitrixRowSnapshot[] => result.rows.map((r) => ({ ...r.fields, ...(r.key === undefined ? {} : { key: r.key }) }));

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

describe('percentage discounts', () => {
  it('discounts a tax-included row per unit and fills every price field', () => {
    const [discounted] = applyRowDiscounts([row(99_900, 2000, { taxRateBasisPoints: 2000 })], 2, { percentBasisPoints: 1000 }).rows;
    expect(discounted?.fields).toEqual({
      PRODUCT_ID: 7,
      PRODUCT_NAME: 'Green tea',
      PRICE: 89_910,
      PRICE_EXCLUSIVE: 74_925,
      PRICE_NETTO: 83_250,
      PRICE_BRUTTO: 99_900,
      QUANTITY: 2000,
      DISCOUNT_TYPE_ID: 2,
      DISCOUNT_RATE: 1000,
      DISCOUNT_SUM: 8325,
      TAX_RATE: 2000,
      TAX_INCLUDED: 'Y',
    });
    expect(discounted?.baseLineTotalMinor).toBe(199_800);
    expect(discounted?.lineTotalMinor).toBe(179_820);
  });

  it('matches the reference example for a row without tax (NETTO 999, 10 % → SUM 99.9, EXCLUSIVE 899.1)', () => {
    const result = applyRowDiscounts([row(99_900, 1000, { taxIncluded: false })], 2, { percentBasisPoints: 1000 });
    expect(result.rows[0]?.fields).toMatchObject({ PRICE_NETTO: 99_900, DISCOUNT_SUM: 9990, PRICE_EXCLUSIVE: 89_910, PRICE: 89_910 });
    expect(result.totalMinor).toBe(89_910);
  });

  it('charges tax on the discounted price of a tax-excluded row', () => {
    const result = applyRowDiscounts([row(100_000, 1000, { taxIncluded: false, taxRateBasisPoints: 2000 })], 2, { percentBasisPoints: 500 });
    expect(result.rows[0]?.fields).toMatchObject({ PRICE_NETTO: 100_000, PRICE_EXCLUSIVE: 95_000, PRICE_BRUTTO: 120_000, PRICE: 114_000, DISCOUNT_SUM: 5000 });
    expect([result.baseTotalMinor, result.totalMinor]).toEqual([120_000, 114_000]);
  });

  it('takes one rate per row and rounds the per-unit discount per the rounding mode', () => {
    const rows = [row(1010), row(1010), row(1010)];
    const rates = [750, 0, 5];
    const halfUp = applyRowDiscounts(rows, 2, { percentBasisPoints: rates });
    expect(halfUp.rows.map((r) => r.unitPercentDiscountMinor)).toEqual([76, 0, 1]);
    const down = applyRowDiscounts(rows, 2, { percentBasisPoints: rates, rounding: 'down' });
    expect(down.rows.map((r) => r.unitPercentDiscountMinor)).toEqual([75, 0, 0]);
  });

  it('clamps a rate above 100 % to the row amount and reports it', () => {
    const [clamped] = applyRowDiscounts([row(5000, 1000, { taxRateBasisPoints: 2000 })], 2, { percentBasisPoints: 15_000 }).rows;
    expect(clamped).toMatchObject({ percentBasisPoints: 10_000, percentClamped: true, lineTotalMinor: 0 });
    expect(clamped?.fields).toMatchObject({ PRICE: 0, PRICE_EXCLUSIVE: 0, DISCOUNT_SUM: clamped?.fields.PRICE_NETTO, DISCOUNT_RATE: 10_000 });
  });
});

describe('absolute amount spread over rows', () => {
  it('splits in proportion to line amounts, leftover cents to the largest remainders', () => {
    const result = applyRowDiscounts([row(10_000), row(20_000), row(30_000)], 2, { absoluteMinor: 10_000 });
    expect(result.rows.map((r) => r.absoluteDiscountMinor)).toEqual([1667, 3333, 5000]);
    expect(result.rows.map((r) => r.fields.DISCOUNT_TYPE_ID)).toEqual([1, 1, 1]);
    expect(result.rows.map((r) => r.fields.PRICE)).toEqual([8333, 16_667, 25_000]);
    expect(result.baseTotalMinor - result.totalMinor).toBe(10_000);
    expect(result.absolute).toEqual({ requestedMinor: 10_000, appliedMinor: 10_000, clampedMinor: 0, unallocatedMinor: 0 });
  });

  it('applies the percentage first and spreads the absolute amount over the discounted amounts', () => {
    const result = applyRowDiscounts([row(10_000), row(10_000)], 2, { percentBasisPoints: [5000, 0], absoluteMinor: 3000 });
    expect(result.rows.map((r) => r.absoluteDiscountMinor)).toEqual([1000, 2000]);
    expect(result.rows.map((r) => r.fields.PRICE)).toEqual([4000, 8000]);
    expect(result.rows[0]?.fields).toMatchObject({ DISCOUNT_TYPE_ID: 1, DISCOUNT_SUM: 6000, DISCOUNT_RATE: 6000 });
  });

  it('moves what a multi-unit row cannot take exactly to a single-unit row', () => {
    // Shares 3 and 2; two units can only take even amounts, so one cent moves to the single unit.
    const result = applyRowDiscounts([row(1000, 2000), row(1000, 1000)], 2, { absoluteMinor: 5 });
    expect(result.rows.map((r) => [r.unitAbsoluteDiscountMinor, r.absoluteDiscountMinor])).toEqual([
      [1, 2],
      [3, 3],
    ]);
    expect(result.absolute.appliedMinor).toBe(5);
  });

  it('places the residual on the rows with the smallest step first', () => {
    // Shares 7, 7, 7, 2; three-unit rows take multiples of 3, so 3 cents are left and go to the single unit.
    const result = applyRowDiscounts([row(1000, 3000), row(1000, 3000), row(1000, 3000), row(1000)], 2, { absoluteMinor: 23 });
    expect(result.rows.map((r) => r.absoluteDiscountMinor)).toEqual([6, 6, 6, 5]);
  });

  it('takes a fractional quantity in whole-cent steps and reports what cannot be placed', () => {
    // 1.5 kg: a per-unit discount of 2 cents is 3 cents on the line; 100 cents → 99 placed, 1 unallocated.
    const result = applyRowDiscounts([row(333, 1500)], 2, { absoluteMinor: 100 });
    expect(result.rows[0]).toMatchObject({ unitAbsoluteDiscountMinor: 66, absoluteDiscountMinor: 99, baseLineTotalMinor: 500, lineTotalMinor: 401 });
    expect(result.absolute).toEqual({ requestedMinor: 100, appliedMinor: 99, clampedMinor: 0, unallocatedMinor: 1 });
  });

  it('clamps an amount larger than the rows to their total and reports the excess', () => {
    const result = applyRowDiscounts([row(1000), row(500, 2000)], 2, { absoluteMinor: 5000 });
    expect(result.totalMinor).toBe(0);
    expect(result.rows.map((r) => r.fields.PRICE)).toEqual([0, 0]);
    expect(result.absolute).toEqual({ requestedMinor: 5000, appliedMinor: 2000, clampedMinor: 3000, unallocatedMinor: 0 });
  });

  it('gives nothing to rows with no quantity or no price', () => {
    const result = applyRowDiscounts([row(1000, 0), row(0), row(1000)], 2, { absoluteMinor: 300 });
    expect(result.rows.map((r) => r.absoluteDiscountMinor)).toEqual([0, 0, 300]);
    expect(result.rows.map((r) => r.fields.DISCOUNT_TYPE_ID)).toEqual([2, 2, 1]);
  });
});

describe('validation', () => {
  it('names the bad field and writes nothing', () => {
    expect(() => applyRowDiscounts([row(100), row(100, -1)], 2)).toThrow(/rows\[1\]\.quantity: expected a non-negative integer, got -1/);
    expect(() => applyRowDiscounts([row(10.5)], 2)).toThrow(/rows\[0\]\.basePriceMinor/);
    expect(() => applyRowDiscounts([row(100, 1000, { taxRateBasisPoints: -5 })], 2)).toThrow(/rows\[0\]\.taxRateBasisPoints/);
    expect(() => applyRowDiscounts([row(100)], 2, { percentBasisPoints: [500, 500] })).toThrow(/one rate per row \(1\), got 2/);
    expect(() => applyRowDiscounts([row(100)], 2, { percentBasisPoints: 7.5 })).toThrow(/percentBasisPoints/);
    expect(() => applyRowDiscounts([row(100)], 2, { absoluteMinor: -1 })).toThrow(/absoluteMinor/);
    expect(() => applyRowDiscounts([row(Number.MAX_SAFE_INTEGER)], 2)).toThrow(/rows\[0\]: basePriceMinor × quantity is too large/);
    expect(() => applyRowDiscounts([row(100)], -1)).toThrow(/exponent/);
  });
});

describe('reversibility', () => {
  it('recovers the base rows from rows Bitrix reports back', () => {
    const rows = [row(99_900, 1000, { key: 'a', taxRateBasisPoints: 2000 }), row(12_345, 1500, { key: 'b', taxIncluded: false, taxRateBasisPoints: 1000 })];
    const written = applyRowDiscounts(rows, 2, { percentBasisPoints: 1000, absoluteMinor: 777 });
    expect(baseRowsFromBitrix(readBack(written))).toEqual(rows);
  });

  const taxRate = fc.option(fc.constantFrom(0, 1000, 1800, 2000, 2250), { nil: null });
  const quantity = fc.oneof(fc.constantFrom(1000, 2000, 500, 1500, 3000, 250, 0), fc.integer({ min: 1, max: 100_000 }));
  const baseRow = fc.record(
    {
      key: fc.string({ maxLength: 6 }),
      productId: fc.nat({ max: 10_000 }),
      name: fc.string({ maxLength: 12 }),
      basePriceMinor: fc.integer({ min: 0, max: 10_000_000 }),
      quantity,
      taxRateBasisPoints: taxRate,
      taxIncluded: fc.boolean(),
    },
    { requiredKeys: ['productId', 'name', 'basePriceMinor', 'quantity', 'taxRateBasisPoints', 'taxIncluded'] },
  );
  const rowsArb = fc.array(baseRow, { minLength: 1, maxLength: 8 });
  const requestFor = (rowCount: number): fc.Arbitrary<RowDiscountRequest> =>
    fc.record(
      {
        percentBasisPoints: fc.oneof(fc.integer({ min: 0, max: 12_000 }), fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: rowCount, maxLength: rowCount })),
        absoluteMinor: fc.integer({ min: 0, max: 50_000_000 }),
        rounding: fc.constantFrom('half-up' as const, 'half-even' as const, 'down' as const, 'up' as const),
      },
      { requiredKeys: [] },
    );
  const rowsAndTwoRequests = rowsArb.chain((rows) => fc.tuple(fc.constant(rows), requestFor(rows.length), requestFor(rows.length)));

  it('re-applying on the rows read back gives identical rows; A then B equals B on the original', () => {
    fc.assert(
      fc.property(rowsAndTwoRequests, ([rows, a, b]) => {
        const once = applyRowDiscounts(rows, 2, a);
        expect(baseRowsFromBitrix(readBack(once))).toEqual(rows);
        expect(applyRowDiscounts(baseRowsFromBitrix(readBack(once)), 2, a)).toEqual(once);
        expect(applyRowDiscounts(baseRowsFromBitrix(readBack(once)), 2, b)).toEqual(applyRowDiscounts(rows, 2, b));
      }),
      { numRuns: 300 },
    );
  });

  it('accounts for every requested unit and never prices a row below zero', () => {
    fc.assert(
      fc.property(rowsAndTwoRequests, ([rows, request]) => {
        const result = applyRowDiscounts(rows, 2, request);
        const { requestedMinor, appliedMinor, clampedMinor, unallocatedMinor } = result.absolute;
        expect(appliedMinor + clampedMinor + unallocatedMinor).toBe(requestedMinor);
        expect(Math.min(appliedMinor, clampedMinor, unallocatedMinor)).toBeGreaterThanOrEqual(0);
        expect(sum(result.rows.map((r) => r.absoluteDiscountMinor))).toBe(appliedMinor);
        const percentOnly = applyRowDiscounts(rows, 2, { ...request, absoluteMinor: 0 });
        result.rows.forEach((r, i) => {
          const base = rows[i] as BaseProductRow;
          expect(r.fields.PRICE).toBeGreaterThanOrEqual(0);
          expect(r.fields.PRICE_EXCLUSIVE).toBeGreaterThanOrEqual(0);
          expect(r.unitAbsoluteDiscountMinor * base.quantity).toBe(r.absoluteDiscountMinor * 1000);
          expect(r.unitPercentDiscountMinor).toBe(percentOf(base.basePriceMinor, r.percentBasisPoints, request.rounding ?? 'half-up'));
          // With tax included the line total falls by exactly the row's share of the absolute amount.
          if (base.taxIncluded) expect((percentOnly.rows[i]?.lineTotalMinor ?? 0) - r.lineTotalMinor).toBe(r.absoluteDiscountMinor);
        });
        // Clamping only happens once no row can take another whole-cent step.
        if (clampedMinor > 0) {
          result.rows.forEach((r, i) => {
            const base = rows[i] as BaseProductRow;
            const left = base.basePriceMinor - r.unitPercentDiscountMinor - r.unitAbsoluteDiscountMinor;
            if (base.quantity > 0) expect(left).toBeLessThan(1000 / gcd(base.quantity, 1000));
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('hits the target exactly when a single-unit row has room for the residual', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 5000 }), (rows, target, percent) => {
        const withUnitRow = [...rows, row(10_000_000, 1000, { taxIncluded: true })];
        const result = applyRowDiscounts(withUnitRow, 2, { percentBasisPoints: percent, absoluteMinor: target });
        expect(result.absolute).toEqual({ requestedMinor: target, appliedMinor: target, clampedMinor: 0, unallocatedMinor: 0 });
        expect(sum(result.rows.map((r) => r.absoluteDiscountMinor))).toBe(target);
      }),
      { numRuns: 300 },
    );
  });
});
