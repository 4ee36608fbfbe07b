import { ResponseShapeError } from './normalize';

const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF', 'PYG', 'RWF']);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** ISO 4217 minor-unit digits; 2 when the currency is unknown. */
export function currencyFractionDigits(currency: string | null | undefined): number {
  const code = (currency ?? '').toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d*))?$/;

function plainDecimalText(value: string | number): string {
  if (typeof value === 'string') return value.trim();
  // Shortest round-trip text of the double; exponent forms only occur far outside money ranges.
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(20) : text;
}

/**
 * Exact decimal → integer minor units, rounding half away from zero at `fractionDigits`.
 * Works on the decimal text, so 899.1 becomes 89910 without binary floating-point drift.
 */
export function toMinorUnits(value: string | number, fractionDigits: number, path: string): number {
  const match = DECIMAL.exec(plainDecimalText(value));
  if (match === null || match[2] === undefined) throw new ResponseShapeError(path, 'a decimal amount', value);
  const fraction = (match[3] ?? '').padEnd(fractionDigits + 1, '0');
  let minor = BigInt(match[2] + fraction.slice(0, fractionDigits));
  if (Number(fraction[fractionDigits]) >= 5) minor += 1n;
  const signed = match[1] === '-' ? -minor : minor;
  const result = Number(signed);
  if (!Number.isSafeInteger(result)) throw new ResponseShapeError(path, 'an amount within safe integer range', value);
  return result;
}

export function optionalMinorUnits(value: unknown, fractionDigits: number, path: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string' && typeof value !== 'number') throw new ResponseShapeError(path, 'a decimal amount', value);
  return toMinorUnits(value, fractionDigits, path);
}

/** Integer minor units → decimal text for the wire, e.g. 123456 → "1234.56". */
export function fromMinorUnits(minor: number, fractionDigits: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount must be an integer number of minor units, got ${minor}`);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(fractionDigits + 1, '0');
  if (fractionDigits === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -fractionDigits)}.${digits.slice(-fractionDigits)}`;
}
