import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentOf } from '../../src/domain/money';
import {
  applyRowDiscounts,
  type BaseProductRow,
  baseRowsFromBitrix,
  type BitrixRowSnapshot,
  type DiscountedRow,
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

const BASIS_POINTS = 10_000n;
/** Half-up division of non-negative bigints, as Bitrix rounds prices to minor units. */
const divHalfUp = (numerator: bigint, denominator: bigint): number => Number((2n * numerator + denominator) / (2n * denominator));
const bitrixWithTax = (amount: number, tax: number | null): number => (tax ? divHalfUp(BigInt(amount) * (BASIS_POINTS + BigInt(tax)), BASIS_POINTS) : amount);
const bitrixWithoutTax = (amount: number, tax: number | null): number => (tax ? divHalfUp(BigInt(amount) * BASIS_POINTS, BASIS_POINTS + BigInt(tax)) : amount);

/**
 * What Bitrix reports for rows we wrote (reference §5.5): it keeps PRICE, QUANTITY, the discount and the tax we sent and
 * re-derives the rest: EXCLUSIVE = PRICE without tax; NETTO = EXCLUSIVE + SUM for DISCOUNT_TYPE_ID 1 (and for a 100 %
 * percent row), EXCLUSIVE / (1 − RATE) for type 2; BRUTTO = NETTO with tax. `withMarker` hands our markers back too.
 */
const readBack = (result: DiscountedRows, withMarker = false): BitrixRowSnapshot[] =>
  result.rows.map(({ key, fields, marker }) => {
    const exclusive = bitrixWithoutTax(fields.PRICE, fields.TAX_RATE);
    const rate = BigInt(fields.DISCOUNT_RATE);
    const byAmount = (fields.DISCOUNT_TYPE_ID as number) === 1 || rate === BASIS_POINTS;
    const netto = byAmount ? exclusive + fields.DISCOUNT_SUM : divHalfUp(BigInt(exclusive) * BASIS_POINTS, BASIS_POINTS - rate);
    return {
      ...(key === undefined ? {} : { key }),
      PRODUCT_ID: fields.PRODUCT_ID,
      PRODUCT_NAME: fields.PRODUCT_NAME,
      PRICE: fields.PRICE,
      PRICE_NETTO: netto,
      PRICE_BRUTTO: bitrixWithTax(netto, fields.TAX_RATE),
      QUANTITY: fields.QUANTITY,
      DISCOUNT_SUM: netto - exclusive,
      TAX_RATE: fields.TAX_RATE,
      TAX_INCLUDED: fields.TAX_INCLUDED,
      ...(withMarker ? { marker } : {}),
    };
  });

/**
 * The base row as read back without our marker. Tax-included rows: with a discount in net terms, PRICE_BRUTTO, i.e. a
 * price no net price maps to becomes the nearest one that does; with none, PRICE, which is the discounted price when
 * the gross discount was too small to show in net terms.
 */
const asReadWithoutMarker = (base: BaseProductRow, { fields }: DiscountedRow): BaseProductRow => {
  if (!base.taxIncluded) return base;
  const held = fields.DISCOUNT_SUM > 0 ? bitrixWithTax(bitrixWithoutTax(base.basePriceMinor, base.taxRateBasisPoints), base.taxRateBasisPoints) : fields.PRICE;
  return { ...base, basePriceMinor: held };
};
const readWithoutMarker = (rows: readonly BaseProductRow[], result: DiscountedRows): BaseProductRow[] =>
  rows.map((base, i) => asReadWithoutMarker(base, result.rows[i] as DiscountedRow));

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

const lineOf = (unitPrice: number, quantity: number): number => divHalfUp(BigInt(unitPrice) * BigInt(quantity), 1000n);
/** Σ of the line totals the written prices give, recomputed here rather than taken from the module. */
const totalOfPrices = (result: DiscountedRows): number => sum(result.rows.map(({ fields }) => lineOf(fields.PRICE, fields.QUANTITY)));
const grossTotalOfBase = (rows: readonly BaseProductRow[]): number =>
  sum(rows.map((r) => lineOf(r.taxIncluded ? r.basePriceMinor : bitrixWithTax(r.basePriceMinor, r.taxRateBasisPoints), r.quantity)));

const taxRate = fc.option(fc.oneof(fc.constantFrom(0, 1000, 1800, 2000, 2250), fc.integer({ min: 0, max: 5000 })), { nil: null });
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
      DISCOUNT_TYPE_ID: 1,
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
    expect(result.rows.map((r) => r.fields.DISCOUNT_SUM)).toEqual([0, 0, 300]);
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

describe('absolute amount on tax-excluded rows', () => {
  const net = (basePriceMinor: number, quantity = 1000, taxRateBasisPoints: number | null = 2000) => row(basePriceMinor, quantity, { taxIncluded: false, taxRateBasisPoints });

  it.each<[string, BaseProductRow[], number, { perRow: number[]; unitDiscounts: number[]; applied: number; unallocated: number; base: number; total: number }]>([
    // 100.00 off a 1200.00 gross line: 83.33 net per unit, which is exactly 100.00 with tax.
    ['1000.00 net at 20 %, 100.00 redeemed', [net(100_000)], 10_000, { perRow: [10_000], unitDiscounts: [8333], applied: 10_000, unallocated: 0, base: 120_000, total: 110_000 }],
    // Shares 70.59 and 29.41 of the gross lines 1200 and 500; the net row can only fall by 70.58 or 70.60, so 0.01 moves.
    [
      'a net row and a gross row share 100.00',
      [net(100_000), row(50_000, 1000, { taxRateBasisPoints: 2000 })],
      10_000,
      { perRow: [7058, 2942], unitDiscounts: [5882, 2942], applied: 10_000, unallocated: 0, base: 170_000, total: 160_000 },
    ],
    // Three units at 12.00 gross fall in steps of 0.03 or more; 0.96 is the most not above 1.00.
    ['three net units, 1.00 redeemed', [net(1000, 3000)], 100, { perRow: [96], unitDiscounts: [27], applied: 96, unallocated: 4, base: 3600, total: 3504 }],
  ])('%s', (_name, rows, absoluteMinor, expected) => {
    const result = applyRowDiscounts(rows, 2, { absoluteMinor });
    expect(result.rows.map((r) => r.absoluteDiscountMinor)).toEqual(expected.perRow);
    expect(result.rows.map((r) => r.unitAbsoluteDiscountMinor)).toEqual(expected.unitDiscounts);
    expect(result.absolute).toEqual({ requestedMinor: absoluteMinor, appliedMinor: expected.applied, clampedMinor: 0, unallocatedMinor: expected.unallocated });
    expect([result.baseTotalMinor, result.totalMinor, totalOfPrices(result)]).toEqual([expected.base, expected.total, expected.total]);
  });

  it('writes the net per-unit discount as DISCOUNT_SUM and the gross price as PRICE', () => {
    const [discounted] = applyRowDiscounts([net(100_000)], 2, { absoluteMinor: 10_000 }).rows;
    expect(discounted?.fields).toMatchObject({ PRICE: 110_000, PRICE_EXCLUSIVE: 91_667, PRICE_NETTO: 100_000, PRICE_BRUTTO: 120_000, DISCOUNT_SUM: 8333, DISCOUNT_TYPE_ID: 1 });
  });

  it('clamps to the gross total, tax included', () => {
    const result = applyRowDiscounts([net(1000, 2000)], 2, { absoluteMinor: 5000 });
    expect(result.absolute).toEqual({ requestedMinor: 5000, appliedMinor: 2400, clampedMinor: 2600, unallocatedMinor: 0 });
    expect(result.totalMinor).toBe(0);
  });
});

describe('accounting properties', () => {
  it('lowers the gross total by exactly the applied amount and accounts for every requested unit', () => {
    fc.assert(
      fc.property(rowsAndTwoRequests, ([rows, request]) => {
        const result = applyRowDiscounts(rows, 2, request);
        const percentOnly = applyRowDiscounts(rows, 2, { ...request, absoluteMinor: 0 });
        const { requestedMinor, appliedMinor, clampedMinor, unallocatedMinor } = result.absolute;
        const baseTotal = grossTotalOfBase(rows);
        const percentPart = baseTotal - totalOfPrices(percentOnly);
        expect(baseTotal - percentPart - appliedMinor).toBe(totalOfPrices(result));
        expect([result.baseTotalMinor, result.totalMinor]).toEqual([baseTotal, totalOfPrices(result)]);
        expect(appliedMinor + clampedMinor + unallocatedMinor).toBe(requestedMinor);
        expect(Math.min(appliedMinor, clampedMinor, unallocatedMinor)).toBeGreaterThanOrEqual(0);
        result.rows.forEach((r, i) => {
          const base = rows[i] as BaseProductRow;
          expect(Math.min(r.fields.PRICE, r.fields.PRICE_EXCLUSIVE, r.unitAbsoluteDiscountMinor)).toBeGreaterThanOrEqual(0);
          expect(r.unitPercentDiscountMinor).toBe(percentOf(base.basePriceMinor, r.percentBasisPoints, request.rounding ?? 'half-up'));
          expect(lineOf((percentOnly.rows[i] as DiscountedRow).fields.PRICE, base.quantity) - lineOf(r.fields.PRICE, base.quantity)).toBe(r.absoluteDiscountMinor);
        });
        // Clamping only happens once every line is down to zero.
        if (clampedMinor > 0) expect(totalOfPrices(result)).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('hits the target exactly when a single-unit tax-included row has room for the residual', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 5000 }), (rows, target, percent) => {
        const withUnitRow = [...rows, row(10_000_000, 1000, { taxIncluded: true, taxRateBasisPoints: 2000 })];
        const result = applyRowDiscounts(withUnitRow, 2, { percentBasisPoints: percent, absoluteMinor: target });
        expect(result.absolute).toEqual({ requestedMinor: target, appliedMinor: target, clampedMinor: 0, unallocatedMinor: 0 });
        expect(totalOfPrices(applyRowDiscounts(withUnitRow, 2, { percentBasisPoints: percent })) - totalOfPrices(result)).toBe(target);
      }),
      { numRuns: 300 },
    );
  });
});

describe('reversibility through Bitrix', () => {
  it('recovers the base rows from rows Bitrix reports back', () => {
    const rows = [row(99_900, 1000, { key: 'a', taxRateBasisPoints: 2000 }), row(12_345, 1500, { key: 'b', taxIncluded: false, taxRateBasisPoints: 1000 })];
    const written = applyRowDiscounts(rows, 2, { percentBasisPoints: 1000, absoluteMinor: 777 });
    expect(baseRowsFromBitrix(readBack(written))).toEqual(rows);
    expect(baseRowsFromBitrix(readBack(written, true))).toEqual(rows);
  });

  it.each<[string, BaseProductRow, number]>([
    // As type 2, Bitrix would read NETTO back as 9.59 / 0.95 = 10.09.
    ['10.10 net at 5 %', row(1010, 1000, { taxIncluded: false, taxRateBasisPoints: 2000 }), 500],
    ['0.10 without tax at 5 %', row(10), 500],
    // …and 76.90 / 0.925 = 83.14.
    ['83.13 net at 7.5 %, 2.5 units', row(8313, 2500, { taxIncluded: false }), 750],
    ['99.90 with 20 % tax at 5 %', row(99_900, 1000, { taxRateBasisPoints: 2000 }), 500],
  ])('reads a percentage row back at its base price: %s', (_name, base, percent) => {
    const written = applyRowDiscounts([base], 2, { percentBasisPoints: percent });
    expect(baseRowsFromBitrix(readBack(written))).toEqual([base]);
  });

  it('reads every row back at its exact base price with our marker, for any mix of percentages and absolute amounts', () => {
    fc.assert(
      fc.property(rowsAndTwoRequests, ([rows, request]) => {
        expect(baseRowsFromBitrix(readBack(applyRowDiscounts(rows, 2, request), true))).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });

  it('without the marker, reads every row back at the base price Bitrix can hold', () => {
    fc.assert(
      fc.property(rowsAndTwoRequests, ([rows, request]) => {
        const written = applyRowDiscounts(rows, 2, request);
        expect(baseRowsFromBitrix(readBack(written))).toEqual(readWithoutMarker(rows, written));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a discounted tax-included price no net price maps to (0.03 at 20 %: net 0.03, gross again 0.04) only through the marker', () => {
    const odd = row(3, 1000, { taxRateBasisPoints: 2000 });
    const discounted = applyRowDiscounts([odd], 2, { percentBasisPoints: 5000 });
    expect(readBack(discounted)[0]).toMatchObject({ PRICE: 1, PRICE_NETTO: 3, PRICE_BRUTTO: 4, DISCOUNT_SUM: 2 });
    expect(baseRowsFromBitrix(readBack(discounted, true))).toEqual([odd]);
    expect(baseRowsFromBitrix(readBack(discounted))).toEqual([{ ...odd, basePriceMinor: 4 }]);
    // With no discount on the row, PRICE is the price as entered.
    expect(baseRowsFromBitrix(readBack(applyRowDiscounts([odd], 2)))).toEqual([odd]);
  });

  it('needs the marker when a gross discount is too small to show in net terms (0.10 at 20 %, 1 minor unit off)', () => {
    const tiny = row(10, 1000, { taxRateBasisPoints: 2000 });
    const discounted = applyRowDiscounts([tiny], 2, { absoluteMinor: 1 });
    // Net 0.08 before and after the discount (0.083 and 0.075 both round to 0.08).
    expect(readBack(discounted)[0]).toMatchObject({ PRICE: 9, PRICE_NETTO: 8, DISCOUNT_SUM: 0 });
    expect(baseRowsFromBitrix(readBack(discounted, true))).toEqual([tiny]);
    expect(baseRowsFromBitrix(readBack(discounted))).toEqual([{ ...tiny, basePriceMinor: 9 }]);
  });

  it('ignores a marker the row no longer matches (price, tax rate or mode edited) or that is not ours', () => {
    const base = row(99_99, 1000, { taxRateBasisPoints: 2000 });
    const [snapshot] = readBack(applyRowDiscounts([base], 2, { percentBasisPoints: 1000 }), true) as [BitrixRowSnapshot];
    expect(snapshot.marker).toBe('b24loyalty:1:9999:2000:Y');
    expect(baseRowsFromBitrix([snapshot])[0]?.basePriceMinor).toBe(99_99);
    // A manager raised the price: Bitrix holds the new net price, which is now the base.
    expect(baseRowsFromBitrix([{ ...snapshot, PRICE_NETTO: 10_000, PRICE_BRUTTO: 12_000 }])[0]?.basePriceMinor).toBe(12_000);
    expect(baseRowsFromBitrix([{ ...snapshot, TAX_RATE: 1000 }])[0]?.basePriceMinor).toBe(snapshot.PRICE_BRUTTO);
    expect(baseRowsFromBitrix([{ ...snapshot, TAX_INCLUDED: 'N' }])[0]?.basePriceMinor).toBe(snapshot.PRICE_NETTO);
    for (const marker of ['b24loyalty:1:9999:2000', 'other:1:9999:2000:Y', 'b24loyalty:1:99999999999999999999:2000:Y', null]) {
      expect(baseRowsFromBitrix([{ ...snapshot, marker }])[0]?.basePriceMinor).toBe(snapshot.PRICE_BRUTTO);
    }
  });

  it('re-applying on the rows read back gives identical rows; A then B equals B on the original', () => {
    fc.assert(
      fc.property(rowsAndTwoRequests, fc.boolean(), ([rows, a, b], withMarker) => {
        const once = applyRowDiscounts(rows, 2, a);
        const readBase = baseRowsFromBitrix(readBack(once, withMarker));
        const held = withMarker ? rows : readWithoutMarker(rows, once);
        expect(readBase).toEqual(held);
        if (withMarker) expect(applyRowDiscounts(readBase, 2, a)).toEqual(once);
        expect(applyRowDiscounts(readBase, 2, b)).toEqual(applyRowDiscounts(held, 2, b));
        // With the marker the base survives any number of rewrites.
        if (withMarker) expect(baseRowsFromBitrix(readBack(applyRowDiscounts(readBase, 2, b), true))).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });

  it('names a bad field in a reported row', () => {
    const [snapshot] = readBack(applyRowDiscounts([row(1000)], 2)) as [BitrixRowSnapshot];
    expect(() => baseRowsFromBitrix([{ ...snapshot, TAX_INCLUDED: 'y' as 'Y' }])).toThrow('rows[0].TAX_INCLUDED: expected "Y" or "N", got y');
    expect(() => baseRowsFromBitrix([snapshot, { ...snapshot, QUANTITY: 1.5 }])).toThrow('rows[1].quantity: expected a non-negative integer, got 1.5');
  });
});
