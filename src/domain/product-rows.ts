/**
 * Discounts on a deal's product rows, computed from undiscounted base rows into Bitrix24 row fields.
 *
 *   applyRowDiscounts(rows, exponent, { percentBasisPoints?, absoluteMinor?, rounding? }) → DiscountedRows
 *   baseRowsFromBitrix(snapshots) → BaseProductRow[]: the undiscounted rows back from what Bitrix24 reports
 *
 * Units: money in minor units, QUANTITY in thousandths (1.5 kg = 1500), DISCOUNT_RATE and TAX_RATE in basis points;
 * from Bitrix24's decimals with parseAmount / parsePercent (money.ts) and parseQuantity (quantity.ts).
 *
 * Policies
 * - Reversible: every computation starts from `basePriceMinor`, so re-applying after a rule change never compounds;
 *   the same request on the same base rows gives identical rows. `baseRowsFromBitrix` takes a row's base from our
 *   marker while the row still matches it (exact; product-row-marker.ts); otherwise PRICE_NETTO for a tax-excluded
 *   row, PRICE for a tax-included row without discount (the price as entered; PRICE_BRUTTO is re-derived from the
 *   rounded net price and can be a minor unit off), else PRICE_BRUTTO. Without the marker, a gross discount of ours
 *   too small to show in net terms (DISCOUNT_SUM 0) would be read as part of the price: keep the marker. Whatever
 *   discount a row carried is replaced, never stacked on.
 * - Price basis: discounts come off the price as entered, i.e. with tax for tax-included rows and before tax for
 *   tax-excluded rows (tax is then charged on the discounted price). Tax parts are rounded half-up per unit.
 * - Percentage: per unit, `percentOf(base, rate, rounding)` (default half-up); rates above 100 % are clamped to 100 %
 *   and flagged `percentClamped`.
 * - Absolute amount (e.g. redeemed cashback), after the percentage, is money the customer pays with, so it comes off
 *   the gross line totals (with tax) whatever the row's basis. It is split over rows in proportion to their gross line
 *   totals after the percentage (largest remainder); each row then takes the per-unit discount, in its own basis, whose
 *   gross line total falls by the most that does not exceed its share (the smallest such discount when several tie).
 *   The shortfall goes, as far as it fits, to rows whose line moves in the finest steps first (smallest quantity ×
 *   gross factor, lower index first). A row's `absoluteDiscountMinor` is exactly how much its gross line total fell,
 *   so total = baseTotal − percentage part − `appliedMinor` exactly. What exceeds the rows' total is `clampedMinor`;
 *   what no row can take exactly is `unallocatedMinor`. requested = applied + clamped + unallocated; the caller should
 *   redeem only `appliedMinor`.
 * - Always DISCOUNT_TYPE_ID 1 (absolute per unit) with DISCOUNT_SUM = PRICE_NETTO − PRICE_EXCLUSIVE: Bitrix then reads
 *   NETTO back as EXCLUSIVE + SUM exactly, whereas for type 2 it re-derives NETTO as EXCLUSIVE / (1 − rate), which is
 *   off by a minor unit for some prices. DISCOUNT_RATE is the resulting rate (SUM / NETTO, half-up), as Bitrix reports
 *   it for type 1; the percentage applied is `percentBasisPoints`.
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
import { markedBasePrice, type MarkedTerms, rowMarker } from './product-row-marker';
import { QUANTITY_SCALE } from './quantity';

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
  /** Always 1 (absolute per unit): see the header. */
  DISCOUNT_TYPE_ID: 1;
  DISCOUNT_RATE: number;
  DISCOUNT_SUM: number;
  TAX_RATE: number | null;
  TAX_INCLUDED: 'Y' | 'N';
}

export interface DiscountedRow {
  key?: string;
  fields: BitrixRowFields;
  /** Keep with the row and pass back as the snapshot's `marker`: it holds the exact base price. */
  marker: string;
  percentBasisPoints: number;
  percentClamped: boolean;
  /** Per unit, in the row's price basis. */
  unitPercentDiscountMinor: number;
  unitAbsoluteDiscountMinor: number;
  /** This row's whole-minor share of the absolute amount: how much its gross line total fell because of it. */
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

/** A row as Bitrix24 reports it (converted to minor units etc.), with our marker if we wrote it. */
export type BitrixRowSnapshot = Pick<
  BitrixRowFields,
  'PRODUCT_ID' | 'PRODUCT_NAME' | 'PRICE' | 'PRICE_NETTO' | 'PRICE_BRUTTO' | 'QUANTITY' | 'DISCOUNT_SUM' | 'TAX_RATE' | 'TAX_INCLUDED'
> & { key?: string; marker?: string | null };

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

const sumOf = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0);

const grossUnitPrice = (row: BaseProductRow, unitPrice: number): number => (row.taxIncluded ? unitPrice : withTax(unitPrice, row.taxRateBasisPoints));

/** PRICE_NETTO of a base price: before discount and tax. */
const nettoOf = (terms: MarkedTerms): number => (terms.taxIncluded ? withoutTax(terms.basePriceMinor, terms.taxRateBasisPoints) : terms.basePriceMinor);

function bitrixFields(row: BaseProductRow, finalPrice: number): BitrixRowFields {
  const tax = row.taxRateBasisPoints;
  const netto = nettoOf(row);
  const exclusive = row.taxIncluded ? withoutTax(finalPrice, tax) : finalPrice;
  const discountSum = netto - exclusive;
  const resultingRate = netto === 0 ? 0 : Number(divideRounded(BigInt(discountSum) * BigInt(FULL_PERCENT_BASIS_POINTS), BigInt(netto), 'half-up'));
  return {
    PRODUCT_ID: row.productId,
    PRODUCT_NAME: row.name,
    PRICE: grossUnitPrice(row, finalPrice),
    PRICE_EXCLUSIVE: exclusive,
    PRICE_NETTO: netto,
    PRICE_BRUTTO: grossUnitPrice(row, row.basePriceMinor),
    QUANTITY: row.quantity,
    DISCOUNT_TYPE_ID: 1,
    DISCOUNT_RATE: resultingRate,
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
  /** Unit price after the percentage, in the row's basis. */
  priceAfterPercent: number;
  /** Gross line total after the percentage. */
  lineAfterPercent: number;
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
    lineAfterPercent: lineTotal(grossUnitPrice(row, priceAfterPercent), row.quantity),
  };
}

/** How much the gross line total falls when the unit price after the percentage drops by `unitDiscount` (row basis). */
function lineReduction(plan: RowPlan, unitDiscount: number): number {
  return plan.lineAfterPercent - lineTotal(grossUnitPrice(plan.row, plan.priceAfterPercent - unitDiscount), plan.row.quantity);
}

// lineReduction never decreases as the unit discount grows, so both searches below bisect.

/** Largest unit discount in from..priceAfterPercent whose reduction is at most `limit`; needs lineReduction(from) ≤ limit. */
function largestDiscountWithin(plan: RowPlan, from: number, limit: number): number {
  let low = from;
  let high = plan.priceAfterPercent;
  while (low < high) {
    const middle = low + Math.ceil((high - low) / 2);
    if (lineReduction(plan, middle) <= limit) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Smallest unit discount in from..upTo whose reduction reaches that of `upTo`. */
function smallestDiscountReaching(plan: RowPlan, from: number, upTo: number): number {
  const target = lineReduction(plan, upTo);
  let low = from;
  let high = upTo;
  while (low < high) {
    const middle = low + Math.floor((high - low) / 2);
    if (lineReduction(plan, middle) >= target) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The unit discount (≥ from) giving the largest line reduction not above `limit`, without cutting the unit price further than that needs. */
const unitDiscountWithin = (plan: RowPlan, from: number, limit: number): number => smallestDiscountReaching(plan, from, largestDiscountWithin(plan, from, limit));

/** Fineness of a row's gross line steps per unit of discount: quantity × gross factor (lower moves in finer steps). */
const lineStepSize = ({ row }: RowPlan): number => row.quantity * (FULL_PERCENT_BASIS_POINTS + (row.taxIncluded ? 0 : (row.taxRateBasisPoints ?? 0)));

/** Per-unit absolute discounts: each row up to its proportional share, then the shortfall on the finest rows first. */
function placeAbsolute(plans: readonly RowPlan[], shares: readonly number[]): number[] {
  const unitDiscounts = plans.map((plan, i) => unitDiscountWithin(plan, 0, shares[i] ?? 0));
  let shortfall = sumOf(shares) - sumOf(plans.map((plan, i) => lineReduction(plan, unitDiscounts[i] ?? 0)));
  const finestFirst = plans.map((plan, index) => ({ plan, index })).sort((a, b) => lineStepSize(a.plan) - lineStepSize(b.plan) || a.index - b.index);
  for (const { plan, index } of finestFirst) {
    if (shortfall === 0) break;
    const current = unitDiscounts[index] ?? 0;
    const taken = lineReduction(plan, current);
    const next = unitDiscountWithin(plan, current, taken + shortfall);
    unitDiscounts[index] = next;
    shortfall -= lineReduction(plan, next) - taken;
  }
  return unitDiscounts;
}

function discountedRow(plan: RowPlan, unitAbsolute: number): DiscountedRow {
  const { row } = plan;
  const fields = bitrixFields(row, plan.priceAfterPercent - unitAbsolute);
  return {
    ...(row.key === undefined ? {} : { key: row.key }),
    fields,
    marker: rowMarker(row),
    percentBasisPoints: plan.percentApplied,
    percentClamped: plan.percentClamped,
    unitPercentDiscountMinor: plan.unitPercentDiscount,
    unitAbsoluteDiscountMinor: unitAbsolute,
    absoluteDiscountMinor: lineReduction(plan, unitAbsolute),
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

  // Every row can go down to a zero line, so the capacity is the gross total after the percentage (summed exactly).
  const capacity = plans.reduce((sum, plan) => sum + BigInt(plan.lineAfterPercent), 0n);
  const targetMinor = capacity < BigInt(requestedMinor) ? Number(capacity) : requestedMinor;
  const shares = allocateProportionally(targetMinor, plans.map((plan) => plan.lineAfterPercent));
  const unitDiscounts = placeAbsolute(plans, shares);

  const discounted = plans.map((plan, i) => discountedRow(plan, unitDiscounts[i] ?? 0));
  const appliedMinor = sumOf(discounted.map((row) => row.absoluteDiscountMinor));
  return {
    exponent,
    rows: discounted,
    baseTotalMinor: sumOf(discounted.map((row) => row.baseLineTotalMinor)),
    totalMinor: sumOf(discounted.map((row) => row.lineTotalMinor)),
    absolute: {
      requestedMinor,
      appliedMinor,
      clampedMinor: requestedMinor - targetMinor,
      unallocatedMinor: targetMinor - appliedMinor,
    },
  };
}

/** The undiscounted unit price of a reported row, per the reversibility policy in the header. */
function basePriceOf(row: BitrixRowSnapshot): number {
  const marked = markedBasePrice(row, nettoOf);
  if (marked !== null) return marked;
  if (row.TAX_INCLUDED === 'N') return row.PRICE_NETTO;
  // Without a discount PRICE is the price as entered; PRICE_BRUTTO is re-derived from the rounded net price.
  return row.DISCOUNT_SUM === 0 ? row.PRICE : row.PRICE_BRUTTO;
}

/** Base rows back from rows as Bitrix24 reports them, ready for `applyRowDiscounts`; bad fields are named. */
export function baseRowsFromBitrix(rows: readonly BitrixRowSnapshot[]): BaseProductRow[] {
  return rows.map((row, i) => {
    if (row.TAX_INCLUDED !== 'Y' && row.TAX_INCLUDED !== 'N') invalid(`rows[${i}].TAX_INCLUDED`, `expected "Y" or "N", got ${String(row.TAX_INCLUDED)}`);
    const base: BaseProductRow = {
      ...(row.key === undefined ? {} : { key: row.key }),
      productId: row.PRODUCT_ID,
      name: row.PRODUCT_NAME,
      basePriceMinor: basePriceOf(row),
      quantity: row.QUANTITY,
      taxRateBasisPoints: row.TAX_RATE,
      taxIncluded: row.TAX_INCLUDED === 'Y',
    };
    validateRow(base, `rows[${i}]`);
    return base;
  });
}

/** A reported row without PRICE_BRUTTO, which Bitrix24 re-derives from PRICE_NETTO and the tax rate. */
export type ReportedRow = Omit<BitrixRowSnapshot, 'PRICE_BRUTTO'>;

/** The snapshot of a reported row, with PRICE_BRUTTO derived the way Bitrix24 derives it (net price with tax, half-up). */
export function snapshotOfReportedRow(row: ReportedRow): BitrixRowSnapshot {
  return { ...row, PRICE_BRUTTO: withTax(row.PRICE_NETTO, row.TAX_RATE) };
}

const ROW_FIELDS_COMPARED = ['PRODUCT_ID', 'PRODUCT_NAME', 'PRICE', 'PRICE_NETTO', 'QUANTITY', 'DISCOUNT_SUM', 'TAX_RATE', 'TAX_INCLUDED'] as const;

/** Whether the deal's rows already are the discounted rows: writing them again would change nothing. */
export function rowsUnchanged(current: readonly BitrixRowSnapshot[], planned: readonly DiscountedRow[]): boolean {
  return (
    current.length === planned.length &&
    current.every((row, i) => {
      const target = planned[i]?.fields;
      return target !== undefined && ROW_FIELDS_COMPARED.every((field) => row[field] === target[field]);
    })
  );
}
