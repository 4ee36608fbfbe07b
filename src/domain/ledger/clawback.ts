import { settleDebt } from './debt';
import { InvalidLedgerRequestError } from './errors';
import { appendEntry } from './history';
import { type ClawbackOutcome, type ClawbackRequest, type Ledger, type Lot } from './state';
import { requireInstant, requireKey, requireReason } from './validate';

function validateClawback(request: ClawbackRequest): void {
  requireKey(request.key, 'clawback');
  requireInstant(request.at, `clawback ${request.key} at`);
  requireReason(request.reason, `clawback ${request.key}`);
  if (request.policy !== 'debt' && request.policy !== 'cap') {
    throw new InvalidLedgerRequestError(`clawback ${request.key}: policy must be "debt" or "cap", got "${String(request.policy)}"`);
  }
}

/**
 * Reverses the credit `key` (its deal went from won to lost, reopened or deleted). What is left of its lot is taken
 * back. Under `debt` the part already used (spent, or paid towards earlier debt) becomes debt too, which the other
 * live lots pay off at once as far as they can, and future credits after that; under `cap` it is forgiven. Expired
 * parts are not taken back: the customer lost them already. One `clawback` entry (amount = taken from the lot + debt
 * created; zero when nothing was left under `cap`), then possibly a `debt-settlement`. Idempotent: a reversed lot is
 * `duplicate`; a key with no lot held is `unknown` and changes nothing.
 */
export function clawBack(ledger: Ledger, request: ClawbackRequest): ClawbackOutcome {
  validateClawback(request);
  const lot = ledger.lots.find((l) => l.key === request.key);
  if (lot === undefined) return { status: 'unknown', ledger, entries: [] };
  if (lot.reversed) return { status: 'duplicate', ledger, entries: [] };

  const fromLot = lot.remaining;
  const toDebt = request.policy === 'debt' ? lot.spent + lot.settledDebt : 0;
  const reversed: Lot = { ...lot, remaining: 0, clawedBack: lot.clawedBack + fromLot, reversed: true };
  const key = `clawback:${request.key}`;
  const clawed = appendEntry(
    { ...ledger, debt: ledger.debt + toDebt, lots: ledger.lots.map((l) => (l.key === lot.key ? reversed : l)) },
    {
      kind: 'clawback',
      amount: fromLot + toDebt,
      at: request.at,
      key,
      reason: request.reason,
      author: null,
      lots: fromLot > 0 ? [{ lotKey: lot.key, amount: fromLot }] : [],
      debt: toDebt,
    },
  );
  const settlement = settleDebt(clawed.ledger, request.at, key);
  return { status: 'applied', ledger: settlement.ledger, entries: [clawed.entry, ...settlement.entries] };
}
