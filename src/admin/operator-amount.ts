import { formatIssues } from '../config/issues';
import { amountSchema } from '../config/values';
import { formatAmount } from '../domain/money';
import type { Programme } from '../domain/programme';

/**
 * An amount as staff type it, in the programme's currency (`500`, `"499.90"`), to minor units; a problem comes back
 * as `amount: …` so it can be listed with the others.
 */
export function operatorAmount(value: string | number, programme: Programme): { minor: number } | { problem: string } {
  const parsed = amountSchema(programme.currencyExponent).safeParse(typeof value === 'string' ? value.trim() : value);
  if (parsed.success) return { minor: parsed.data };
  return { problem: formatIssues(parsed.error.issues).map((line) => line.replace(/^\(top level\)/, 'amount')).join('; ') };
}

/** `50000` minor units of RUB → `500.00 RUB`. */
export function moneyText(minor: number, programme: Programme): string {
  return `${formatAmount(minor, programme.currencyExponent)} ${programme.currency}`;
}
