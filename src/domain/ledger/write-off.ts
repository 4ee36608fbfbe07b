import { appendEntry } from './history';
import { spendOrder } from './lots';
import { type Ledger, type LedgerChange, type Lot } from './state';
import { requireInstant, requireReason } from './validate';

interface WriteOff {
  kind: 'expiry' | 'reset';
  selects: (lot: Lot) => boolean;
  /** The business instant the entry is dated at. */
  atOf: (lot: Lot) => number;
  reasonFor: (lot: Lot) => string;
}

/** One entry per lot, in spend order: what is left of each selected lot is written off. */
function writeOff(ledger: Ledger, { kind, selects, atOf, reasonFor }: WriteOff): LedgerChange {
  let current = ledger;
  const entries = [];
  for (const lot of ledger.lots.filter((l) => l.remaining > 0 && selects(l)).sort(spendOrder)) {
    const lots = current.lots.map((l) => (l.key === lot.key ? { ...l, remaining: 0, expired: l.expired + l.remaining } : l));
    const appended = appendEntry(
      { ...current, lots },
      { kind, amount: lot.remaining, at: atOf(lot), key: `${kind}:${lot.key}`, reason: reasonFor(lot), author: null, lots: [{ lotKey: lot.key, amount: lot.remaining }], debt: 0 },
    );
    current = appended.ledger;
    entries.push(appended.entry);
  }
  return { ledger: current, entries };
}

/**
 * Writes off what is left of every lot whose expiry is at or before `at`, each entry dated at the lot's own expiry
 * (the business instant, however late the caller noticed). Idempotent: a written-off lot has nothing left.
 */
export function expireDue(ledger: Ledger, at: number): LedgerChange {
  requireInstant(at, 'expireDue at');
  return writeOff(ledger, { kind: 'expiry', selects: (lot) => lot.expiresAt <= at, atOf: (lot) => lot.expiresAt, reasonFor: (lot) => `lot ${lot.key} expired` });
}

/**
 * The calendar reset at `at`: what is left of every lot accrued before that instant is written off, pending lots
 * included. A lot accrued at or after it (even if processed late) belongs to the next period. Debt stays owed.
 * Idempotent for the same instant.
 */
export function resetAll(ledger: Ledger, at: number, reason: string): LedgerChange {
  requireInstant(at, 'resetAll at');
  requireReason(reason, 'resetAll');
  return writeOff(ledger, { kind: 'reset', selects: (lot) => lot.accruedAt < at, atOf: () => at, reasonFor: () => reason });
}

/** Writes off what is left of the named lots, dated `at` (a give-back onto lots that had been written off already). */
export function writeOffLots(ledger: Ledger, lotKeys: readonly string[], kind: 'expiry' | 'reset', at: number, reason: string): LedgerChange {
  requireInstant(at, 'writeOffLots at');
  requireReason(reason, 'writeOffLots');
  return writeOff(ledger, { kind, selects: (lot) => lotKeys.includes(lot.key), atOf: () => at, reasonFor: () => reason });
}
