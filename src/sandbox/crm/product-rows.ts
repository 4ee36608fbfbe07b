import { coreError } from '../envelope';
import { divRound, formatMinor, minorToNumber, parseScaled } from '../money';
import { allocateId, type PortalState, type ProductRow } from '../state/store';

const PERCENT = 10_000; // percentages are held in hundredths of a percent

type RowInput = Record<string, unknown>;

function upperKeys(row: RowInput): RowInput {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toUpperCase(), v]));
}

function present(row: RowInput, key: string): boolean {
  return row[key] !== undefined && row[key] !== null && row[key] !== '';
}

function decimal(row: RowInput, key: string, path: string, digits: number, fallback: number): number {
  if (!present(row, key)) return fallback;
  const value = parseScaled(row[key], digits);
  if (value === undefined) throw coreError(`${path}.${key}: "${String(row[key])}" is not a number`);
  return value;
}

interface Discount {
  typeId: 1 | 2;
  rateCenti: number;
  sumMinor: number;
}

/** The core's discount validation: each discount type needs its own figure. */
function readDiscount(row: RowInput, path: string): Discount {
  const typeRaw = present(row, 'DISCOUNT_TYPE_ID') ? Number(row.DISCOUNT_TYPE_ID) : undefined;
  if (typeRaw !== undefined && typeRaw !== 1 && typeRaw !== 2) throw coreError(`${path}.DISCOUNT_TYPE_ID: must be 1 (absolute) or 2 (percent), got "${String(row.DISCOUNT_TYPE_ID)}"`);
  const typeId = typeRaw ?? 2;
  const hasRate = present(row, 'DISCOUNT_RATE');
  const hasSum = present(row, 'DISCOUNT_SUM');
  if (typeRaw === 2 && !hasRate) throw coreError(`${path}: discount rate (DISCOUNT_RATE) is required for a percentage discount (DISCOUNT_TYPE_ID=2)`);
  if (typeRaw === 1 && !hasSum) throw coreError(`${path}: discount amount (DISCOUNT_SUM) is required for an absolute discount (DISCOUNT_TYPE_ID=1)`);
  const rateCenti = decimal(row, 'DISCOUNT_RATE', path, 2, 0);
  const sumMinor = decimal(row, 'DISCOUNT_SUM', path, 2, 0);
  if (typeId === 2 && (rateCenti < 0 || rateCenti > PERCENT)) throw coreError(`${path}.DISCOUNT_RATE: must be between 0 and 100, got ${String(row.DISCOUNT_RATE)}`);
  if (typeId === 2 && rateCenti === PERCENT && !hasSum) throw coreError(`${path}: a 100% discount needs DISCOUNT_SUM`);
  return { typeId, rateCenti, sumMinor };
}

const withTax = (amount: number, taxCenti: number | null): number => (taxCenti ? divRound(amount * (PERCENT + taxCenti), PERCENT) : amount);
const withoutTax = (amount: number, taxCenti: number | null): number => (taxCenti ? divRound(amount * PERCENT, PERCENT + taxCenti) : amount);

interface Prices {
  price: number;
  exclusive: number;
  netto: number;
  discount: Discount;
}

/**
 * Per-unit price chain: NETTO (before discount and tax) → EXCLUSIVE (after discount) → PRICE (after discount, with tax);
 * BRUTTO = NETTO with tax. PRICE is the primary input; PRICE_EXCLUSIVE or PRICE_NETTO are used when PRICE is absent.
 */
function derivePrices(row: RowInput, path: string, taxCenti: number | null): Prices {
  const discount = readDiscount(row, path);
  const fromNetto = !present(row, 'PRICE') && !present(row, 'PRICE_EXCLUSIVE') && present(row, 'PRICE_NETTO');
  if (fromNetto) {
    const netto = decimal(row, 'PRICE_NETTO', path, 2, 0);
    const exclusive = discount.typeId === 2 ? netto - divRound(netto * discount.rateCenti, PERCENT) : netto - discount.sumMinor;
    return finish(withTax(exclusive, taxCenti), exclusive, netto, discount);
  }
  const price = present(row, 'PRICE') ? decimal(row, 'PRICE', path, 2, 0) : withTax(decimal(row, 'PRICE_EXCLUSIVE', path, 2, 0), taxCenti);
  const exclusive = present(row, 'PRICE') ? withoutTax(price, taxCenti) : decimal(row, 'PRICE_EXCLUSIVE', path, 2, 0);
  const netto =
    discount.typeId === 1 || discount.rateCenti === PERCENT ? exclusive + discount.sumMinor : divRound(exclusive * PERCENT, PERCENT - discount.rateCenti);
  return finish(price, exclusive, netto, discount);
}

function finish(price: number, exclusive: number, netto: number, discount: Discount): Prices {
  const sumMinor = netto - exclusive;
  const rateCenti = discount.typeId === 2 ? discount.rateCenti : netto === 0 ? 0 : divRound(sumMinor * PERCENT, netto);
  return { price, exclusive, netto, discount: { typeId: discount.typeId, rateCenti, sumMinor } };
}

function deriveRow(state: PortalState, raw: unknown, index: number): ProductRow {
  const path = `rows[${index}]`;
  if (!raw || typeof raw !== 'object') throw coreError(`${path}: must be an object of row fields`);
  const row = upperKeys(raw as RowInput);
  const productId = present(row, 'PRODUCT_ID') ? Number(row.PRODUCT_ID) : 0;
  if (!Number.isInteger(productId) || productId < 0) throw coreError(`${path}.PRODUCT_ID: "${String(row.PRODUCT_ID)}" is not a product id`);
  const product = state.products.find((p) => p.id === productId);
  if (productId !== 0 && !product) throw coreError(`${path}.PRODUCT_ID: product ${productId} not found`);
  const quantityMilli = decimal(row, 'QUANTITY', path, 3, 1000);
  if (quantityMilli < 0) throw coreError(`${path}.QUANTITY: must not be negative`);
  const taxCenti = present(row, 'TAX_RATE') ? decimal(row, 'TAX_RATE', path, 2, 0) : null;
  const prices = derivePrices(row, path, taxCenti);
  const id = allocateId(state, 'productrow');
  return {
    ID: id,
    PRODUCT_ID: productId,
    PRODUCT_NAME: present(row, 'PRODUCT_NAME') ? String(row.PRODUCT_NAME) : (product?.name ?? `[${id}]`),
    priceMinor: prices.price,
    priceExclusiveMinor: prices.exclusive,
    priceNettoMinor: prices.netto,
    priceBruttoMinor: withTax(prices.netto, taxCenti),
    quantityMilli,
    discountTypeId: prices.discount.typeId,
    discountRateCenti: prices.discount.rateCenti,
    discountSumMinor: prices.discount.sumMinor,
    taxRateCenti: taxCenti,
    taxIncluded: row.TAX_INCLUDED === 'Y' ? 'Y' : 'N',
    measureCode: present(row, 'MEASURE_CODE') ? Number(row.MEASURE_CODE) : 796,
    measureName: present(row, 'MEASURE_NAME') ? String(row.MEASURE_NAME) : 'pcs',
    sort: present(row, 'SORT') ? Number(row.SORT) : 0,
  };
}

/** Validates and derives the whole set first, so one bad row rejects everything and nothing is written. */
export function deriveRows(state: PortalState, rows: unknown): ProductRow[] {
  const list = rows === undefined || rows === null || rows === '' ? [] : Array.isArray(rows) ? rows : typeof rows === 'object' ? Object.values(rows) : null;
  if (!list) throw coreError('rows: must be an array of product rows');
  const idBefore = state.nextId.productrow;
  try {
    return list.map((row, i) => deriveRow(state, row, i));
  } catch (error) {
    if (idBefore === undefined) delete state.nextId.productrow;
    else state.nextId.productrow = idBefore;
    throw error;
  }
}

export function rowTotalMinor(row: ProductRow): number {
  return divRound(row.priceMinor * row.quantityMilli, 1000);
}

/** OPPORTUNITY = Σ PRICE×QUANTITY and TAX_VALUE = Σ tax part, each row rounded to minor units. */
export function rowsTotals(rows: ProductRow[]): { opportunityMinor: number; taxMinor: number } {
  let opportunityMinor = 0;
  let taxMinor = 0;
  for (const row of rows) {
    opportunityMinor += rowTotalMinor(row);
    taxMinor += divRound((row.priceMinor - row.priceExclusiveMinor) * row.quantityMilli, 1000);
  }
  return { opportunityMinor, taxMinor };
}

/** Rows compared on what the client sees, ignoring the fresh row ids a replacement gets. */
export function sameRows(a: ProductRow[], b: ProductRow[]): boolean {
  const strip = (rows: ProductRow[]) => JSON.stringify(rows.map(({ ID: _id, ...rest }) => rest));
  return strip(a) === strip(b);
}

export function rowToWire(row: ProductRow, dealId: number): Record<string, unknown> {
  return {
    ID: String(row.ID),
    OWNER_ID: String(dealId),
    OWNER_TYPE: 'D',
    PRODUCT_ID: row.PRODUCT_ID,
    PRODUCT_NAME: row.PRODUCT_NAME,
    ORIGINAL_PRODUCT_NAME: row.PRODUCT_NAME,
    PRODUCT_DESCRIPTION: null,
    PRICE: minorToNumber(row.priceMinor),
    PRICE_EXCLUSIVE: minorToNumber(row.priceExclusiveMinor),
    PRICE_NETTO: minorToNumber(row.priceNettoMinor),
    PRICE_BRUTTO: minorToNumber(row.priceBruttoMinor),
    PRICE_ACCOUNT: formatMinor(row.priceMinor),
    QUANTITY: row.quantityMilli / 1000,
    DISCOUNT_TYPE_ID: row.discountTypeId,
    DISCOUNT_RATE: row.discountRateCenti / 100,
    DISCOUNT_SUM: minorToNumber(row.discountSumMinor),
    TAX_RATE: row.taxRateCenti === null ? null : row.taxRateCenti / 100,
    TAX_INCLUDED: row.taxIncluded,
    CUSTOMIZED: 'Y',
    MEASURE_CODE: row.measureCode,
    MEASURE_NAME: row.measureName,
    SORT: row.sort,
    XML_ID: null,
    TYPE: 1,
    STORE_ID: null,
    RESERVE_ID: null,
    DATE_RESERVE_END: null,
    RESERVE_QUANTITY: null,
  };
}

