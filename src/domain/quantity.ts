/**
 * Product-row quantities as integer thousandths of a unit (1.5 kg = 1500), so line totals stay exact integers.
 *
 *   QUANTITY_SCALE                    → 1000
 *   parseQuantity(value, path?)       → "1.5" or 1.5 → 1500; more than 3 decimals, negatives or junk are refused
 *   formatQuantity(thousandths)       → 1500 → "1.5", 2000 → "2"
 *
 * Bitrix24 reports QUANTITY as a JSON number; a quantity finer than a thousandth cannot be held here and is refused
 * by name rather than rounded, since rounding it would change what the customer pays.
 */
import { assertMinorUnits, formatAmount, MoneyError, parseAmount } from './money';

export const QUANTITY_SCALE = 1000;
const QUANTITY_DIGITS = 3;
const QUANTITY_TEXT = /^\d+(?:\.\d+)?$/;

export function parseQuantity(value: string | number, path = 'quantity'): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const fraction = text.split('.')[1] ?? '';
  if (!QUANTITY_TEXT.test(text) || fraction.replace(/0+$/, '').length > QUANTITY_DIGITS) {
    throw new MoneyError(`${path} "${String(value)}": expected a non-negative quantity with at most ${QUANTITY_DIGITS} decimals, such as 1.5`);
  }
  return parseAmount(text, QUANTITY_DIGITS, 'down');
}

export function formatQuantity(thousandths: number): string {
  assertMinorUnits(thousandths, 'formatQuantity');
  return formatAmount(thousandths, QUANTITY_DIGITS).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}
