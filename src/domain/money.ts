/**
 * Exact money arithmetic on integer minor units (kopecks, cents) held as safe-integer `number`s.
 *
 *   currencyExponent(currency)                      → minor-unit digits: RUB 2, JPY 0, KWD 3
 *   assertMinorUnits(value, path)                   → value, or throws naming path if not a safe integer
 *   assertExponent(exponent) / assertBasisPoints(bp, path) → input guards with path-named errors
 *   parseAmount(text, exponent, rounding?)          → "1000000.00", 2 → 100000000 (extra digits need a rounding mode)
 *   formatAmount(minor, exponent)                   → 100000000, 2 → "1000000.00"
 *   divideRounded(numerator, denominator, rounding) → bigint quotient rounded per mode
 *   percentOf(amountMinor, basisPoints, rounding)   → 5 % (500 bp) of 5000000 → 250000
 *   parsePercent(text)                              → "7.5" → 750 basis points (≤ 2 decimals)
 *   allocateProportionally(totalMinor, weights)     → parts summing exactly to total (largest remainder)
 *
 * Rounding modes: `half-up` (ties away from zero), `half-even` (ties to even), `down` (toward zero), `up` (away from zero).
 * All arithmetic that can overflow 2^53 runs on BigInt; results are checked back into the safe-integer range.
 */

export type RoundingMode = 'half-up' | 'half-even' | 'down' | 'up';

export const ROUNDING_MODES: readonly RoundingMode[] = ['half-up', 'half-even', 'down', 'up'];

/** 100 % in basis points. */
export const FULL_PERCENT_BASIS_POINTS = 10_000;

/** ISO 4217 currencies whose minor unit is not 1/100; everything else has two decimals. */
const NON_CENTESIMAL_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0,
  XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

const MAX_EXPONENT = 8;

export class MoneyError extends RangeError {
  override name = 'MoneyError';
}

export function currencyExponent(currency: string): number {
  if (!/^[A-Z]{3}$/.test(currency)) throw new MoneyError(`currency "${currency}": expected a three-letter ISO 4217 code such as RUB`);
  return NON_CENTESIMAL_EXPONENTS[currency] ?? 2;
}

export function assertMinorUnits(value: number, path = 'amount'): number {
  if (!Number.isSafeInteger(value)) throw new MoneyError(`${path}: expected a safe integer of minor units, got ${String(value)}`);
  return value;
}

export function assertExponent(exponent: number): void {
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > MAX_EXPONENT) {
    throw new MoneyError(`exponent: expected an integer 0..${MAX_EXPONENT}, got ${String(exponent)}`);
  }
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MoneyError(`${what}: result ${value.toString()} is outside the safe-integer range`);
  }
  return Number(value);
}

/** numerator / denominator rounded to an integer per `rounding`; denominator must not be zero. */
export function divideRounded(numerator: bigint, denominator: bigint, rounding: RoundingMode): bigint {
  if (denominator === 0n) throw new MoneyError('divideRounded: division by zero');
  const n = denominator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = n / d;
  const remainder = n % d;
  if (remainder === 0n) return quotient;
  const awayFromZero = quotient + (n < 0n ? -1n : 1n);
  const twiceRemainder = 2n * (remainder < 0n ? -remainder : remainder);
  switch (rounding) {
    case 'down':
      return quotient;
    case 'up':
      return awayFromZero;
    case 'half-up':
      return twiceRemainder >= d ? awayFromZero : quotient;
    case 'half-even':
      if (twiceRemainder !== d) return twiceRemainder > d ? awayFromZero : quotient;
      return quotient % 2n === 0n ? quotient : awayFromZero;
  }
}

function assertRounding(rounding: RoundingMode): void {
  if (!ROUNDING_MODES.includes(rounding)) {
    throw new MoneyError(`rounding: expected one of ${ROUNDING_MODES.join(', ')}, got "${String(rounding)}"`);
  }
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Exact decimal text → minor units. More fraction digits than the exponent allows are an error unless `rounding` is given. */
export function parseAmount(text: string, exponent: number, rounding?: RoundingMode): number {
  assertExponent(exponent);
  const match = DECIMAL.exec(text);
  if (!match) throw new MoneyError(`amount "${text}": expected a decimal number such as 1234.56 (no spaces or separators)`);
  const [, sign = '', whole = '', fraction = ''] = match;
  if (fraction.length > exponent && rounding === undefined) {
    throw new MoneyError(`amount "${text}": has ${fraction.length} fraction digits, at most ${exponent} allowed`);
  }
  if (rounding !== undefined) assertRounding(rounding);
  const scaled = BigInt(whole + fraction) * 10n ** BigInt(Math.max(0, exponent - fraction.length));
  const excess = 10n ** BigInt(Math.max(0, fraction.length - exponent));
  const magnitude = divideRounded(scaled, excess, rounding ?? 'down');
  return toSafeNumber(sign === '-' ? -magnitude : magnitude, `amount "${text}"`);
}

export function formatAmount(minor: number, exponent: number): string {
  assertMinorUnits(minor, 'formatAmount');
  assertExponent(exponent);
  const digits = Math.abs(minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${minor < 0 ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

export function assertBasisPoints(basisPoints: number, path = 'basisPoints'): number {
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0) {
    throw new MoneyError(`${path}: expected a non-negative integer of basis points (5 % = 500), got ${String(basisPoints)}`);
  }
  return basisPoints;
}

/** amountMinor × basisPoints / 10 000, rounded per mode, in exact integer arithmetic. */
export function percentOf(amountMinor: number, basisPoints: number, rounding: RoundingMode): number {
  assertMinorUnits(amountMinor, 'percentOf amount');
  assertBasisPoints(basisPoints, 'percentOf basisPoints');
  assertRounding(rounding);
  const exact = BigInt(amountMinor) * BigInt(basisPoints);
  return toSafeNumber(divideRounded(exact, BigInt(FULL_PERCENT_BASIS_POINTS), rounding), 'percentOf');
}

const PERCENT = /^(\d+)(?:\.(\d{1,2}))?\s*%?$/;

/** "7.5" (or 7.5, "7.5%") → 750 basis points. At most two decimals; never negative. */
export function parsePercent(text: string | number): number {
  const source = typeof text === 'number' ? String(text) : text.trim();
  const match = PERCENT.exec(source);
  if (!match) throw new MoneyError(`percent "${source}": expected a non-negative number with at most 2 decimals, such as 7.5`);
  const [, whole = '', fraction = ''] = match;
  return toSafeNumber(BigInt(whole + fraction.padEnd(2, '0')), `percent "${source}"`);
}

/**
 * Splits totalMinor into parts proportional to non-negative integer weights. Each part is the floor of its exact
 * share; the leftover minor units go one each to the largest remainders, ties to the lower index. Parts sum exactly to
 * the total, zero weights get zero, and a negative total is split like its magnitude and negated.
 */
export function allocateProportionally(totalMinor: number, weights: readonly number[]): number[] {
  assertMinorUnits(totalMinor, 'allocateProportionally total');
  weights.forEach((w, i) => {
    if (!Number.isSafeInteger(w) || w < 0) throw new MoneyError(`allocateProportionally weights[${i}]: expected a non-negative safe integer, got ${String(w)}`);
  });
  const weightSum = weights.reduce((sum, w) => sum + BigInt(w), 0n);
  if (weightSum === 0n) {
    if (totalMinor === 0) return weights.map(() => 0);
    throw new MoneyError(`allocateProportionally: cannot split ${totalMinor} over weights that are all zero (or none)`);
  }
  const magnitude = BigInt(Math.abs(totalMinor));
  const shares = weights.map((w, index) => {
    const exact = magnitude * BigInt(w);
    return { index, part: exact / weightSum, remainder: exact % weightSum };
  });
  let leftover = magnitude - shares.reduce((sum, s) => sum + s.part, 0n);
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const share of byRemainder) {
    if (leftover === 0n) break;
    share.part += 1n;
    leftover -= 1n;
  }
  const sign = totalMinor < 0 ? -1 : 1;
  return shares.map((s) => sign * Number(s.part) || 0);
}
