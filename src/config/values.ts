/**
 * Zod schemas for the exact values of the rules file: percentages become basis points and amounts become
 * integer minor units without passing through floating point.
 */
import { z } from 'zod';
import { MoneyError, parseAmount, parsePercent } from '../domain/money';

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

function decimalText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && DECIMAL_TEXT.test(value.trim())) return value.trim();
  return undefined;
}

function fail(ctx: z.core.$RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/** `5`, `7.5`, `"7.5"` or `"7.5 %"` → basis points (500, 750, 750). */
export const percentSchema = z.unknown().transform((value, ctx): number => {
  if (value === undefined) return fail(ctx, 'is required');
  const text = decimalText(typeof value === 'string' ? value.replace(/\s*%$/, '') : value);
  if (text === undefined) return fail(ctx, `must be a percentage such as 5 or 7.5, got ${JSON.stringify(value)}`);
  const number = Number(text);
  if (number < 0 || number > 100) return fail(ctx, 'must be between 0 and 100');
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return fail(ctx, 'must have at most 2 decimal places');
  return parsePercent(text);
});

/** `50000`, `"49999.99"` → minor units of a currency with `exponent` decimals; never negative. */
export function amountSchema(exponent: number) {
  return z.unknown().transform((value, ctx): number => {
    if (value === undefined) return fail(ctx, 'is required');
    const text = decimalText(value);
    if (text === undefined) return fail(ctx, `must be an amount such as 50000 or "499.90", got ${JSON.stringify(value)}`);
    if (text.startsWith('-')) return fail(ctx, 'must not be negative');
    if ((text.split('.')[1] ?? '').length > exponent) return fail(ctx, exponent === 0 ? 'must be a whole amount' : `must have at most ${exponent} decimal places`);
    try {
      return parseAmount(text, exponent);
    } catch (error) {
      // Anything else the money module rejects (e.g. an amount beyond the safe-integer range) keeps its own reason.
      if (error instanceof MoneyError) return fail(ctx, error.message);
      throw error;
    }
  });
}

export const wholeNumber = (min: number, max: number) => z.number().int().min(min).max(max);

/** An absolute http(s) URL; the message never repeats it, as it may carry a token. */
export const httpUrlSchema = z.string().refine((value) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be an absolute http:// or https:// URL');
