/**
 * Which cashback percent a won deal earns, and how much of a deal cashback may pay. The ledger
 * (cashback-ledger.ts) keeps the resulting lots.
 */
import { type BasisPoints, type CashbackRules, type MinorUnits } from './programme';

/** The percent of the first tier whose inclusive `upTo` covers the basis amount (deal amount or prior cumulative spend). */
export function cashbackPercentFor(dealAmountMinor: MinorUnits, cumulativeSpendMinor: MinorUnits, rules: CashbackRules): BasisPoints {
  if (!rules.enabled) return 0;
  const basis = rules.tierBasis === 'dealAmount' ? dealAmountMinor : cumulativeSpendMinor;
  const tier = rules.tiers.find((t) => t.upToMinor === null || basis <= t.upToMinor);
  return tier?.percent ?? 0;
}

export const DAY_MS = 86_400_000;

export function lotExpiresAt(accruedAt: number, rules: CashbackRules): number {
  return accruedAt + (rules.pendingDays + rules.lotExpiryDays) * DAY_MS;
}

export function lotAvailableAt(accruedAt: number, rules: CashbackRules): number {
  return accruedAt + rules.pendingDays * DAY_MS;
}
