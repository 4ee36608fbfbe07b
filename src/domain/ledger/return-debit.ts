import { settleDebt } from './debt';
import { appendEntry, hasProcessed, isKeyedOperation } from './history';
import { writeOffLots } from './write-off';
import { type Ledger, type LedgerEntry, type Lot } from './state';
import { requireInstant, requireKey, requireOptionalAuthor, requireReason } from './validate';

export interface ReturnRequest {
  /** Key of the debit to give back, e.g. the redemption of a deal that was lost. */
  debitKey: string;
  at: number;
  reason: string;
  author?: string;
  /** The calendar reset that came after a lot accrued at `accruedAt` and by `at`, or null: the policy's calendar. */
  resetSince?: (accruedAt: number) => number | null;
}

/** `unknown`: no debit under that key is held (never made here, or compaction dropped it). */
export type ReturnOutcome = { status: 'applied' | 'duplicate' | 'unknown'; ledger: Ledger; entries: LedgerEntry[] };

/** The key of the credit that gives back what a debit took from one lot. */
export function returnedKey(debitKey: string, lotKey: string): string {
  return `returned:${debitKey}:${lotKey}`;
}

/**
 * Gives a debit back the way it was taken: one credit per lot it took from, keyed `returned:<debit>:<lot>`, accrued,
 * available and expiring like that lot. Cashback parked on a deal therefore comes back with the terms it had — a
 * give-back restores cashback, it never renews it past its expiry or the calendar reset. A part whose lot has lapsed
 * since (expired, or a reset came) is written off again at once, the same way; a part whose lot compaction dropped is
 * not returned. Then any debt is paid from the live lots, as after every credit. Idempotent per lot.
 */
/**
 * Whether the source lot's terms have run out by now: its own expiry, a calendar reset since it accrued (even if it
 * held nothing at the reset, having been spent), or a write-off under an earlier reset rule.
 */
function lapseOf(source: Lot, request: ReturnRequest): { kind: 'expiry' | 'reset'; at: number } | null {
  if (source.expiresAt <= request.at) return { kind: 'expiry', at: source.expiresAt };
  const resetAt = request.resetSince?.(source.accruedAt) ?? null;
  if (resetAt !== null) return { kind: 'reset', at: resetAt };
  return source.expired > 0 ? { kind: 'reset', at: request.at } : null;
}

export function returnDebit(ledger: Ledger, request: ReturnRequest): ReturnOutcome {
  requireKey(request.debitKey, 'return');
  const what = `return of ${request.debitKey}`;
  requireInstant(request.at, `${what} at`);
  requireReason(request.reason, what);
  requireOptionalAuthor(request.author, what);
  const debit = ledger.entries.find((entry) => entry.key === request.debitKey && isKeyedOperation(entry.kind) && (entry.kind === 'spend' || entry.kind === 'manual-debit'));
  if (debit === undefined) return { status: 'unknown', ledger, entries: [] };

  let current = ledger;
  const entries: LedgerEntry[] = [];
  for (const movement of debit.lots) {
    const source = current.lots.find((lot) => lot.key === movement.lotKey);
    const key = returnedKey(request.debitKey, movement.lotKey);
    if (source === undefined || hasProcessed(current, key)) continue;
    const lot: Lot = { ...source, key, amount: movement.amount, remaining: movement.amount, spent: 0, expired: 0, clawedBack: 0, settledDebt: 0, reversed: false };
    const credited = appendEntry(
      { ...current, lots: [...current.lots, lot] },
      { kind: 'manual-credit', amount: movement.amount, at: request.at, key, reason: request.reason, author: request.author ?? null, lots: [{ lotKey: key, amount: movement.amount }], debt: 0 },
    );
    current = credited.ledger;
    entries.push(credited.entry);
    const lapsed = lapseOf(source, request);
    if (lapsed !== null) {
      const writtenOff = writeOffLots(current, [key], lapsed.kind, lapsed.at, `${request.reason}: lot ${source.key} has lapsed (${lapsed.kind})`);
      current = writtenOff.ledger;
      entries.push(...writtenOff.entries);
    }
  }
  if (entries.length === 0) return { status: 'duplicate', ledger, entries: [] };
  const settlement = settleDebt(current, request.at, `returned:${request.debitKey}`);
  return { status: 'applied', ledger: settlement.ledger, entries: [...entries, ...settlement.entries] };
}
