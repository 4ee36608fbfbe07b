/**
 * Discounts on a deal's product rows, computed from undiscounted base rows into Bitrix24 row fields.
 *
 *   applyRowDiscounts(rows, exponent, { percentBasisPoints?, absoluteMinor?, rounding? }) → DiscountedRows
 *   baseRowsFromBitrix(rows)   → the base rows back from rows we wrote (PRICE_BRUTTO if tax-included, else PRICE_NETTO)
 *
 * Units: money in minor units, QUANTITY in thousandths (1.5 kg = 1500), DISCOUNT_RATE and TAX_RATE in basis points.
 * The Bitrix client converts these to decimals.
 *
 * Policies
 * - Reversible: every computation starts from `basePriceMinor`, so re-applying after a rule change never compounds.
 * - Price basis: discounts come off the price as entered, i.e. with tax for tax-included rows and before tax for
 *   tax-excluded rows (tax is then charged on the discounted price). Tax parts are rounded half-up per unit.
 * - Percentage: per unit, `percentOf(base, rate, rounding)` (default half-up); rates above 100 % are clamped to 100 %
 *   and flagged `percentClamped`.
 * - Absolute amount (e.g. redeemed cashback), after the percentage: split over rows in proportion to their discounted
 *   line amounts (largest remainder). Bitrix keeps the discount per unit and the line is unit × quantity, so a row can
 *   only take line discounts that are whole minor units: multiples of quantity / gcd(quantity, 1000) minor units
 *   (per-unit steps of 1000 / gcd). Each row takes the largest such amount not above its share; the shortfall then goes,
 *   as far as it fits, to rows with the smallest step first (quantities dividing one unit, e.g. 1 or 0.5, take any
 *   amount), lower index first. What exceeds the rows' total is `clampedMinor`; what no row can take exactly is
 *   `unallocatedMinor`. requested = applied + clamped + unallocated; the caller should redeem only `appliedMinor`.
 * - DISCOUNT_TYPE_ID 2 (percent) for rows with only a percentage, 1 (absolute per unit) once an absolute part exists.
 *   DISCOUNT_SUM is per unit before tax (PRICE_NETTO − PRICE_EXCLUSIVE), as Bitrix reports it.
 * - Line totals are round-half-up(PRICE × QUANTITY / 1000), PRICE being the final unit price with tax.
 */
import {
  allocateProportionally,
  assertBasisPoints,
  assertExponent,
  divideRounded,
  FULL_PERCENT_BASIS_POINTS,
  MoneyError,
  percentOf,
  type RoundingMode,
} from './money';

const QUANTITY_SCALE = 1000;

export interface BaseProductRow {
  key?: string;
  productId: number;
  name: string;
  /** Undiscounted unit price; with tax when `taxIncluded`. */
  basePriceMinor: number;
  /** Integer thousandths of a unit. */
  quantity: number;
  taxRateBasisPoints: number | null;
  taxIncluded: boolean;
}

export interface RowDiscountRequest {
  /** One rate for every row, or one per row (0 = none). */
  percentBasisPoints?: number | readonly number[];
  /** Taken off the rows after the percentage. */
  absoluteMinor?: number;
  /** Rounding of the per-unit percentage discount; default half-up. */
  rounding?: RoundingMode;
}

/** Bitrix24 `crm.deal.productrows.set` row fields in minor units / thousandths / basis points. */
export interface BitrixRowFields {
  PRODUCT_ID: number;
  PRODUCT_NAME: string;
  /** Final unit price: after discount, with tax. */
  PRICE: number;
  /** After discount, before tax. */
  PRICE_EXCLUSIVE: number;
  /** Before discount and tax. */
  PRICE_NETTO: number;
  /** Before discount, with tax. */
  PRICE_BRUTTO: number;
  QUANTITY: number;
  DISCOUNT_TYPE_ID: 1 | 2;
  DISCOUNT_RATE: number;
  DISCOUNT_SUM: number;
  TAX_RATE: number | null;
  TAX_INCLUDED: 'Y' | 'N';
}

export interface DiscountedRow {
  key?: string;
  fields: BitrixRowFields;
  percentBasisPoints: number;
  percentClamped: boolean;
  /** Per unit, in the row's price basis. */
  unitPercentDiscountMinor: number;
  unitAbsoluteDiscountMinor: number;
  /** This row's whole-minor share of the absolute amount (unit absolute discount × quantity). */
  absoluteDiscountMinor: number;
  baseLineTotalMinor: number;
  lineTotalMinor: number;
}

export interface AbsoluteDiscountOutcome {
  requestedMinor: number;
  appliedMinor: number;
  clampedMinor: number;
  unallocatedMinor: number;
}

export interface DiscountedRows {
  exponent: number;
  rows: DiscountedRow[];
  baseTotalMinor: number;
  totalMinor: number;
  absolute: AbsoluteDiscountOutcome;
}

export type BitrixRowSnapshot = Pick<
  BitrixRowFields,
  'PRODUCT_ID' | 'PRODUCT_NAME' | 'PRICE_NETTO' | 'PRICE_BRUTTO' | 'QUANTITY' | 'TAX_RATE' | 'TAX_INCLUDED'
> & { key?: string };

function invalid(path: string, problem: string): never {
  throw new MoneyError(`${path}: ${problem}`);
}

function requireNonNegativeInteger(value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) invalid(path, `expected a non-negative integer, got ${String(value)}`);
}

function validateRow(row: BaseProductRow, path: string): void {
  if (row.key !== undefined && typeof row.key !== 'string') invalid(`${path}.key`, 'expected a string');
  requireNonNegativeInteger(row.productId, `${path}.productId`);
  if (typeof row.name !== 'string') invalid(`${path}.name`, 'expected a string');
  requireNonNegativeInteger(row.basePriceMinor, `${path}.basePriceMinor`);
  requireNonNegativeInteger(row.quantity, `${path}.quantity`);
  if (row.taxRateBasisPoints !== null) requireNonNegativeInteger(row.taxRateBasisPoints, `${path}.taxRateBasisPoints`);
  if (typeof row.taxIncluded !== 'boolean') invalid(`${path}.taxIncluded`, 'expected true or false');
  // Keeps unit price × quantity (and everything derived per row) exact in a double.
  if (!Number.isSafeInteger(row.basePriceMinor * row.quantity)) invalid(path, 'basePriceMinor × quantity is too large to compute exactly');
}

function percentRates(rows: readonly BaseProductRow[], percent: RowDiscountRequest['percentBasisPoints']): number[] {
  if (percent === undefined) return rows.map(() => 0);
  if (typeof percent === 'number') return rows.map(() => assertBasisPoints(percent, 'percentBasisPoints'));
  if (percent.length !== rows.length) invalid('percentBasisPoints', `expected one rate per row (${rows.length}), got ${percent.length}`);
  return percent.map((rate, i) => assertBasisPoints(rate, `percentBasisPoints[${i}]`));
}

const withTax = (amount: number, taxBasisPoints: number | null): number =>
  taxBasisPoints ? Number(divideRounded(BigInt(amount) * BigInt(FULL_PERCENT_BASIS_POINTS + taxBasisPoints), BigInt(FULL_PERCENT_BASIS_POINTS), 'half-up')) : amount;

const withoutTax = (amount: number, taxBasisPoints: number | null): number =>
  taxBasisPoints ? Number(divideRounded(BigInt(amount) * BigInt(FULL_PERCENT_BASIS_POINTS), BigInt(FULL_PERCENT_BASIS_POINTS + taxBasisPoints), 'half-up')) : amount;

const lineTotal = (unitPrice: number, quantity: number): number => Number(divideRounded(BigInt(unitPrice) * BigInt(quantity), BigInt(QUANTITY_SCALE), 'half-up'));

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** How an absolute discount can land on one row: in steps of `unitStep` per unit = `lineStep` whole minor units per line. */
interface AbsoluteSlot {
  unitStep: number;
  lineStep: number;
  maxSteps: number;
  steps: number;
}

function absoluteSlot(unitPriceAfterPercent: number, quantity: number): AbsoluteSlot {
  if (quantity === 0) return { unitStep: 1, lineStep: 1, maxSteps: 0, steps: 0 };
  const common = gcd(quantity, QUANTITY_SCALE);
  const unitStep = QUANTITY_SCALE / common;
  return { unitStep, lineStep: quantity / common, maxSteps: Math.floor(unitPriceAfterPercent / unitStep), steps: 0 };
}

/** Fills each slot up to its proportional share, then places the shortfall smallest step first; returns what is left. */
function placeAbsolute(slots: AbsoluteSlot[], shares: readonly number[]): number {
  let shortfall = 0;
  slots.forEach((slot, i) => {
    const share = shares[i] ?? 0;
    slot.steps = Math.min(Math.floor(share / slot.lineStep), slot.maxSteps);
    shortfall += share - slot.steps * slot.lineStep;
  });
  const bySmallestStep = slots.map((slot, index) => ({ slot, index })).sort((a, b) => a.slot.lineStep - b.slot.lineStep || a.index - b.index);
  for (const { slot } of bySmallestStep) {
    const extra = Math.min(Math.floor(shortfall / slot.lineStep), slot.maxSteps - slot.steps);
    slot.steps += extra;
    shortfall -= extra * slot.lineStep;
  }
  return shortfall;
}

function bitrixFields(row: BaseProductRow, finalPrice: number, percentRate: number, hasAbsolutePart: boolean): BitrixRowFields {
  const tax = row.taxRateBasisPoints;
  const netto = row.taxIncluded ? withoutTax(row.basePriceMinor, tax) : row.basePriceMinor;
  const exclusive = row.taxIncluded ? withoutTax(finalPrice, tax) : finalPrice;
  const discountSum = netto - exclusive;
  const effectiveRate = netto === 0 ? 0 : Number(divideRounded(BigInt(discountSum) * BigInt(FULL_PERCENT_BASIS_POINTS), BigInt(netto), 'half-up'));
  return {
    PRODUCT_ID: row.productId,
    PRODUCT_NAME: row.name,
    PRICE: row.taxIncluded ? finalPrice : withTax(finalPrice, tax),
    PRICE_EXCLUSIVE: exclusive,
    PRICE_NETTO: netto,
    PRICE_BRUTTO: row.taxIncluded ? row.basePriceMinor : withTax(row.basePriceMinor, tax),
    QUANTITY: row.quantity,
    DISCOUNT_TYPE_ID: hasAbsolutePart ? 1 : 2,
    DISCOUNT_RATE: hasAbsolutePart ? effectiveRate : percentRate,
    DISCOUNT_SUM: discountSum,
    TAX_RATE: tax,
    TAX_INCLUDED: row.taxIncluded ? 'Y' : 'N',
  };
}

interface RowPlan {
  row: BaseProductRow;
  percentApplied: number;
  percentClamped: boolean;
  unitPercentDiscount: number;
  priceAfterPercent: number;
  slot: AbsoluteSlot;
}

function planRow(row: BaseProductRow, requestedRate: number, rounding: RoundingMode): RowPlan {
  const percentApplied = Math.min(requestedRate, FULL_PERCENT_BASIS_POINTS);
  const unitPercentDiscount = percentOf(row.basePriceMinor, percentApplied, rounding);
  const priceAfterPercent = row.basePriceMinor - unitPercentDiscount;
  return {
    row,
    percentApplied,
    percentClamped: percentApplied < requestedRate,
    unitPercentDiscount,
    priceAfterPercent,
    slot: absoluteSlot(priceAfterPercent, row.quantity),
  };
}

function discountedRow({ row, slot, ...plan }: RowPlan): DiscountedRow {
  const unitAbsolute = slot.steps * slot.unitStep;
  const fields = bitrixFields(row, plan.priceAfterPercent - unitAbsolute, plan.percentApplied, unitAbsolute > 0);
  return {
    ...(row.key === undefined ? {} : { key: row.key }),
    fields,
    percentBasisPoints: plan.percentApplied,
    percentClamped: plan.percentClamped,
    unitPercentDiscountMinor: plan.unitPercentDiscount,
    unitAbsoluteDiscountMinor: unitAbsolute,
    absoluteDiscountMinor: slot.steps * slot.lineStep,
    baseLineTotalMinor: lineTotal(fields.PRICE_BRUTTO, row.quantity),
    lineTotalMinor: lineTotal(fields.PRICE, row.quantity),
  };
}

export function applyRowDiscounts(rows: readonly BaseProductRow[], exponent: number, request: RowDiscountRequest = {}): DiscountedRows {
  assertExponent(exponent);
  rows.forEach((row, i) => validateRow(row, `rows[${i}]`));
  const requestedMinor = request.absoluteMinor ?? 0;
  requireNonNegativeInteger(requestedMinor, 'absoluteMinor');
  const rates = percentRates(rows, request.percentBasisPoints);
  const plans = rows.map((row, i) => planRow(row, rates[i] ?? 0, request.rounding ?? 'half-up'));

  const capacity = plans.reduce((sum, { slot }) => sum + slot.maxSteps * slot.lineStep, 0);
  const targetMinor = Math.min(requestedMinor, capacity);
  const shares = allocateProportionally(targetMinor, plans.map((plan) => plan.priceAfterPercent * plan.row.quantity));
  const unallocatedMinor = placeAbsolute(plans.map((plan) => plan.slot), shares);

  const discounted = plans.map(discountedRow);
  return {
    exponent,
    rows: discounted,
    baseTotalMinor: discounted.reduce((sum, row) => sum + row.baseLineTotalMinor, 0),
    totalMinor: discounted.reduce((sum, row) => sum + row.lineTotalMinor, 0),
    absolute: {
      requestedMinor,
      appliedMinor: targetMinor - unallocatedMinor,
      clampedMinor: requestedMinor - targetMinor,
      unallocatedMinor,
    },
  };
}

/**
 * Base rows back from rows we wrote earlier, as Bitrix reports them: the price before discount is PRICE_BRUTTO for
 * tax-included rows and PRICE_NETTO otherwise. Caveat: Bitrix re-derives BRUTTO from a rounded NETTO, which for a
 * tax-included price that no rounded net price maps back to can differ by one minor unit.
 */
export function baseRowsFromBitrix(rows: readonly BitrixRowSnapshot[]): BaseProductRow[] {
  return rows.map((row, i) => {
    const base: BaseProductRow = {
      ...(row.key === undefined ? {} : { key: row.key }),
      productId: row.PRODUCT_ID,
      name: row.PRODUCT_NAME,
      basePriceMinor: row.TAX_INCLUDED === 'Y' ? row.PRICE_BRUTTO : row.PRICE_NETTO,
      quantity: row.QUANTITY,
      taxRateBasisPoints: row.TAX_RATE,
      taxIncluded: row.TAX_INCLUDED === 'Y',
    };
    validateRow(base, `rows[${i}]`);
    return base;
  });
}
