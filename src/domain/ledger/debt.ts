import { appendEntry } from './history';
import { debitLots, isLiveAt, sumOfMovements, takeInSpendOrder } from './lots';
import { type Ledger, type LedgerChange } from './state';

/**
 * Pays off as much debt as the live lots (available or pending, not expired at `at`) hold, soonest expiry first, in
 * one `debt-settlement` entry. Called after every credit and clawback, so debt and spendable value never coexist.
 */
export function settleDebt(ledger: Ledger, at: number, key: string): LedgerChange {
  const live = ledger.lots.filter((lot) => isLiveAt(lot, at));
  const payable = Math.min(ledger.debt, live.reduce((sum, lot) => sum + lot.remaining, 0));
  if (payable === 0) return { ledger, entries: [] };
  const movements = takeInSpendOrder(live, payable);
  const settled = sumOfMovements(movements);
  const { ledger: next, entry } = appendEntry(
    { ...ledger, debt: ledger.debt - settled, lots: debitLots(ledger.lots, movements, 'settledDebt') },
    { kind: 'debt-settlement', amount: settled, at, key, reason: 'outstanding cashback debt paid from the balance', author: null, lots: movements, debt: settled },
  );
  return { ledger: next, entries: [entry] };
}
