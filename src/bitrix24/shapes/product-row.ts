import { ValidationError } from '../errors';
import { fromMinorUnits, optionalMinorUnits } from '../money';
import { asMap, flag, optionalInteger, optionalNumber, optionalString } from '../normalize';

export type DiscountTypeId = 1 | 2;

export interface ProductRow {
  id: number | null;
  productId: number;
  productName: string;
  /** Final unit price (after discount, with tax) as sent, and in minor units. */
  price: number;
  priceMinor: number;
  /** Unit price before discount and tax. */
  priceNettoMinor: number | null;
  /** Unit price after discount, before tax. */
  priceExclusiveMinor: number | null;
  quantity: number;
  /** 1 = absolute per-unit discount, 2 = percent. */
  discountTypeId: DiscountTypeId;
  discountRate: number | null;
  discountSumMinor: number | null;
  taxRate: number | null;
  taxIncluded: boolean;
  measureCode: number | null;
  measureName: string | null;
  sort: number;
}

export function parseProductRow(raw: unknown, path: string, fractionDigits: number): ProductRow {
  const record = asMap(raw, path);
  const number = (name: string) => optionalNumber(record[name], `${path}.${name}`);
  const minor = (name: string) => optionalMinorUnits(record[name], fractionDigits, `${path}.${name}`);
  return {
    id: optionalInteger(record.ID, `${path}.ID`),
    productId: optionalInteger(record.PRODUCT_ID, `${path}.PRODUCT_ID`) ?? 0,
    productName: optionalString(record.PRODUCT_NAME, `${path}.PRODUCT_NAME`) ?? '',
    price: number('PRICE') ?? 0,
    priceMinor: minor('PRICE') ?? 0,
    priceNettoMinor: minor('PRICE_NETTO'),
    priceExclusiveMinor: minor('PRICE_EXCLUSIVE'),
    quantity: number('QUANTITY') ?? 1,
    discountTypeId: number('DISCOUNT_TYPE_ID') === 1 ? 1 : 2,
    discountRate: number('DISCOUNT_RATE'),
    discountSumMinor: minor('DISCOUNT_SUM'),
    taxRate: number('TAX_RATE'),
    taxIncluded: flag(record.TAX_INCLUDED, `${path}.TAX_INCLUDED`),
    measureCode: optionalInteger(record.MEASURE_CODE, `${path}.MEASURE_CODE`),
    measureName: optionalString(record.MEASURE_NAME, `${path}.MEASURE_NAME`) || null,
    sort: optionalInteger(record.SORT, `${path}.SORT`) ?? 0,
  };
}

export type RowDiscount =
  | { type: 'percent'; /** percent with up to 2 decimals, e.g. 7.5 */ rate: number; perUnitMinor: number }
  | { type: 'absolute'; perUnitMinor: number };

/** A product row to write. `priceMinor` is the final unit price (after discount, with tax). */
export interface ProductRowInput {
  productId?: number;
  productName: string;
  priceMinor: number;
  quantity: number;
  discount?: RowDiscount;
  taxRate?: number;
  taxIncluded?: boolean;
  measureCode?: number;
  sort?: number;
}

function requireCondition(ok: boolean, path: string, problem: string): void {
  if (!ok) throw new ValidationError({ method: 'crm.deal.productrows.set', code: '', description: `${path}: ${problem}` });
}

function validateRow(row: ProductRowInput, path: string): void {
  requireCondition(typeof row.productName === 'string' && row.productName.trim() !== '', `${path}.productName`, 'must be a non-empty string');
  requireCondition(Number.isSafeInteger(row.priceMinor) && row.priceMinor >= 0, `${path}.priceMinor`, 'must be a non-negative integer of minor units');
  requireCondition(Number.isFinite(row.quantity) && row.quantity > 0, `${path}.quantity`, 'must be a positive number');
  if (row.productId !== undefined) requireCondition(Number.isSafeInteger(row.productId) && row.productId >= 0, `${path}.productId`, 'must be a non-negative integer');
  const discount = row.discount;
  if (discount !== undefined) {
    requireCondition(Number.isSafeInteger(discount.perUnitMinor) && discount.perUnitMinor >= 0, `${path}.discount.perUnitMinor`, 'must be a non-negative integer of minor units');
    if (discount.type === 'percent') {
      requireCondition(Number.isFinite(discount.rate) && discount.rate >= 0 && discount.rate <= 100, `${path}.discount.rate`, 'must be a percent between 0 and 100');
    }
  }
}

/** Validates every row first (nothing is sent if any row is bad), then renders the wire rows. */
export function productRowsToWire(rows: readonly ProductRowInput[], fractionDigits: number): Record<string, unknown>[] {
  rows.forEach((row, index) => validateRow(row, `rows[${index}]`));
  return rows.map((row) => {
    const wire: Record<string, unknown> = {
      PRODUCT_ID: row.productId ?? 0,
      PRODUCT_NAME: row.productName,
      PRICE: fromMinorUnits(row.priceMinor, fractionDigits),
      QUANTITY: row.quantity,
    };
    if (row.discount?.type === 'percent') {
      Object.assign(wire, { DISCOUNT_TYPE_ID: 2, DISCOUNT_RATE: row.discount.rate, DISCOUNT_SUM: fromMinorUnits(row.discount.perUnitMinor, fractionDigits) });
    } else if (row.discount?.type === 'absolute') {
      Object.assign(wire, { DISCOUNT_TYPE_ID: 1, DISCOUNT_SUM: fromMinorUnits(row.discount.perUnitMinor, fractionDigits) });
    }
    if (row.taxRate !== undefined) wire.TAX_RATE = row.taxRate;
    if (row.taxIncluded !== undefined) wire.TAX_INCLUDED = row.taxIncluded ? 'Y' : 'N';
    if (row.measureCode !== undefined) wire.MEASURE_CODE = row.measureCode;
    if (row.sort !== undefined) wire.SORT = row.sort;
    return wire;
  });
}
