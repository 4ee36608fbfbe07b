import { type Ledger, type LedgerEntry, type LedgerEntryKind } from './state';

/** Σ remaining of every lot (available, pending, or expired but not yet written off) − debt. */
export function netBalance(ledger: Pick<Ledger, 'lots' | 'debt'>): number {
  return ledger.lots.reduce((sum, lot) => sum + lot.remaining, 0) - ledger.debt;
}

export type EntryDraft = Omit<LedgerEntry, 'seq' | 'balanceAfter'>;

/** Appends an entry describing a change already made to `ledger`: numbered, with the balance it left. */
export function appendEntry(ledger: Ledger, draft: EntryDraft): { ledger: Ledger; entry: LedgerEntry } {
  const entry: LedgerEntry = { ...draft, seq: ledger.nextSeq, balanceAfter: netBalance(ledger) };
  return { ledger: { ...ledger, entries: [...ledger.entries, entry], nextSeq: ledger.nextSeq + 1 }, entry };
}

/** Credits and debits are the operations callers key; write-offs, clawbacks and settlements are keyed by their lot. */
export function isKeyedOperation(kind: LedgerEntryKind): boolean {
  return kind === 'accrual' || kind === 'manual-credit' || kind === 'spend' || kind === 'manual-debit';
}

/**
 * Whether a credit or debit with this key was applied: a lot still held under it, a credit or debit entry still held
 * with it, or a key compaction retired. Credits and debits share one key space.
 */
export function hasProcessed(ledger: Ledger, key: string): boolean {
  return (
    ledger.lots.some((lot) => lot.key === key) ||
    ledger.entries.some((entry) => entry.key === key && isKeyedOperation(entry.kind)) ||
    ledger.retiredKeys.includes(key)
  );
}

/** The amount a credit or debit with this key was applied for; undefined when unknown or compacted away. */
export function processedAmount(ledger: Ledger, key: string): number | undefined {
  return ledger.entries.find((entry) => entry.key === key && isKeyedOperation(entry.kind))?.amount;
}
