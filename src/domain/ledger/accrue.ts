import { settleDebt } from './debt';
import { appendEntry, hasProcessed } from './history';
import { InvalidLedgerRequestError } from './errors';
import { type AccrualRequest, type CreditKind, type Ledger, type LedgerOutcome, type Lot } from './state';
import { requireInstant, requireKey, requireKind, requireOptionalAuthor, requirePositiveAmount, requireReason } from './validate';

function validateAccrual(request: AccrualRequest, kind: CreditKind): number {
  requireKind(kind, ['accrual', 'manual-credit'], 'credit');
  requireKey(request.key, kind);
  const what = `${kind} ${request.key}`;
  requirePositiveAmount(request.amount, what);
  requireInstant(request.at, `${what} at`);
  const availableAt = request.availableAt ?? request.at;
  requireInstant(availableAt, `${what} availableAt`);
  requireInstant(request.expiresAt, `${what} expiresAt`);
  requireReason(request.reason, what);
  requireOptionalAuthor(request.author, what);
  if (availableAt < request.at) throw new InvalidLedgerRequestError(`${what}: availableAt must not be before the accrual instant`);
  if (request.expiresAt <= availableAt) throw new InvalidLedgerRequestError(`${what}: expiry must be after the lot becomes available`);
  return availableAt;
}

/**
 * Credits a new lot (deal cashback, or a manual credit with `kind: 'manual-credit'`), then pays off any debt from
 * the live lots. A key already processed changes nothing (`duplicate`), whatever the amount.
 */
export function accrue(ledger: Ledger, request: AccrualRequest): LedgerOutcome {
  const kind = request.kind ?? 'accrual';
  const availableAt = validateAccrual(request, kind);
  if (hasProcessed(ledger, request.key)) return { status: 'duplicate', ledger, entries: [] };
  const held = ledger.lots.reduce((sum, lot) => sum + lot.remaining, 0);
  if (!Number.isSafeInteger(held + request.amount)) {
    throw new InvalidLedgerRequestError(`${kind} ${request.key}: the balance would exceed the safe-integer range of minor units`);
  }

  const lot: Lot = {
    key: request.key,
    amount: request.amount,
    remaining: request.amount,
    spent: 0,
    expired: 0,
    clawedBack: 0,
    settledDebt: 0,
    accruedAt: request.at,
    availableAt,
    expiresAt: request.expiresAt,
    reversed: false,
    remindedAt: null,
  };
  const credited = appendEntry(
    { ...ledger, lots: [...ledger.lots, lot] },
    {
      kind,
      amount: request.amount,
      at: request.at,
      key: request.key,
      reason: request.reason,
      author: request.author ?? null,
      lots: [{ lotKey: lot.key, amount: request.amount }],
      debt: 0,
    },
  );
  const settlement = settleDebt(credited.ledger, request.at, request.key);
  return { status: 'applied', ledger: settlement.ledger, entries: [credited.entry, ...settlement.entries] };
}
