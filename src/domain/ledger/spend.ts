import { InsufficientBalanceError } from './errors';
import { appendEntry, hasProcessed } from './history';
import { balances } from './balances';
import { debitLots, isSpendableAt, takeInSpendOrder } from './lots';
import { type Ledger, type LedgerOutcome, type SpendRequest } from './state';
import { requireInstant, requireKey, requireKind, requireOptionalAuthor, requirePositiveAmount, requireReason } from './validate';

/**
 * Debits `amount` (a redemption, or a manual debit with `kind: 'manual-debit'`) from the spendable lots, soonest
 * expiry first; a lot may be taken in part. More than the spendable balance throws InsufficientBalanceError and
 * debits nothing. A key already processed changes nothing (`duplicate`), even if the balance no longer covers it.
 */
export function spend(ledger: Ledger, request: SpendRequest): LedgerOutcome {
  const kind = request.kind ?? 'spend';
  requireKind(kind, ['spend', 'manual-debit'], 'debit');
  requireKey(request.key, kind);
  const what = `${kind} ${request.key}`;
  requirePositiveAmount(request.amount, what);
  requireInstant(request.at, `${what} at`);
  requireReason(request.reason, what);
  requireOptionalAuthor(request.author, what);
  if (hasProcessed(ledger, request.key)) return { status: 'duplicate', ledger, entries: [] };
  const spendable = balances(ledger, request.at).available;
  if (request.amount > spendable) throw new InsufficientBalanceError(request.amount, spendable);

  const movements = takeInSpendOrder(ledger.lots.filter((lot) => isSpendableAt(lot, request.at)), request.amount);
  const { ledger: next, entry } = appendEntry(
    { ...ledger, lots: debitLots(ledger.lots, movements, 'spent') },
    { kind, amount: request.amount, at: request.at, key: request.key, reason: request.reason, author: request.author ?? null, lots: movements, debt: 0 },
  );
  return { status: 'applied', ledger: next, entries: [entry] };
}
