import { netBalance } from './history';
import { isLiveAt } from './lots';
import { type Ledger } from './state';

export interface Balances {
  /** Spendable now: past the pending period and not expired. */
  available: number;
  /** Accrued but still in the pending period. */
  pending: number;
  debt: number;
  /** Σ remaining − debt, as the history's `balanceAfter` reports it. */
  net: number;
}

export function balances(ledger: Ledger, at: number): Balances {
  const live = ledger.lots.filter((lot) => isLiveAt(lot, at));
  const available = live.filter((lot) => lot.availableAt <= at).reduce((sum, lot) => sum + lot.remaining, 0);
  const pending = live.filter((lot) => lot.availableAt > at).reduce((sum, lot) => sum + lot.remaining, 0);
  return { available, pending, debt: ledger.debt, net: netBalance(ledger) };
}
