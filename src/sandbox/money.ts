/**
 * Exact decimal handling: money lives in integer minor units (2 digits, like the portal's decimal strings),
 * percentages in hundredths of a percent. Parsing works on the decimal digits, never through float maths.
 */

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Parses a decimal (string or number) into an integer scaled by 10^digits, rounding half away from zero. */
export function parseScaled(value: unknown, digits: number): number | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? numberToPlain(value) : '') : typeof value === 'string' ? value.trim() : '';
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const sign = match[1] === '-' ? -1 : 1;
  const whole = match[2] === '' ? '0' : (match[2] ?? '0');
  const fraction = (match[3] ?? '').padEnd(digits + 1, '0');
  const kept = Number(whole) * 10 ** digits + Number(fraction.slice(0, digits) || '0');
  const roundUp = Number(fraction[digits] ?? '0') >= 5 ? 1 : 0;
  return sign * (kept + roundUp);
}

function numberToPlain(value: number): string {
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 12 });
}

export const parseMinor = (value: unknown): number | undefined => parseScaled(value, 2);

/** `123456` → `"1234.56"` */
export function formatMinor(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export const minorToNumber = (minor: number): number => Number(formatMinor(minor));

/** Integer division rounded half away from zero, for scaled integer arithmetic. */
export function divRound(numerator: number, denominator: number): number {
  const q = Math.abs(numerator) / Math.abs(denominator);
  const rounded = Math.floor(q + 0.5 + 1e-9);
  return Math.sign(numerator) * Math.sign(denominator) * rounded;
}
