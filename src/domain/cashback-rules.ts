/**
 * Which cashback percent a won deal earns, and when its lot becomes spendable and expires. The ledger
 * (cashback-ledger.ts) keeps the resulting lots.
 */
import { addLocalDays, lotExpiry } from './calendar';
import { percentOf } from './money';
import { type BasisPoints, type CashbackRules, type MinorUnits } from './programme';

/** The part of the cashback rules that decides what a won deal earns. */
export type CashbackEarning = Pick<CashbackRules, 'enabled' | 'tierBasis' | 'tiers' | 'rounding'>;

export function earningRulesOf({ enabled, tierBasis, tiers, rounding }: CashbackEarning): CashbackEarning {
  return { enabled, tierBasis, tiers, rounding };
}

/** The percent of the first tier whose inclusive `upTo` covers the basis amount (deal amount or prior cumulative spend). */
export function cashbackPercentFor(dealAmountMinor: MinorUnits, cumulativeSpendMinor: MinorUnits, rules: CashbackEarning): BasisPoints {
  if (!rules.enabled) return 0;
  const basis = rules.tierBasis === 'dealAmount' ? dealAmountMinor : cumulativeSpendMinor;
  const tier = rules.tiers.find((t) => t.upToMinor === null || basis <= t.upToMinor);
  return tier?.percent ?? 0;
}

export function cashbackAmountFor(dealAmountMinor: MinorUnits, cumulativeSpendMinor: MinorUnits, rules: CashbackEarning): MinorUnits {
  return percentOf(dealAmountMinor, cashbackPercentFor(dealAmountMinor, cumulativeSpendMinor, rules), rules.rounding);
}

/** When a lot accrued at `accruedAt` becomes spendable and when it expires, in the programme's time zone. */
export function lotTimes(
  accruedAt: number,
  rules: Pick<CashbackRules, 'pendingDays' | 'lotExpiryDays'>,
  timeZone: string,
): { availableAt: number; expiresAt: number } {
  const availableAt = addLocalDays(accruedAt, rules.pendingDays, timeZone);
  return { availableAt, expiresAt: lotExpiry(availableAt, rules.lotExpiryDays, timeZone) };
}
