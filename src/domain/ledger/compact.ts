import { isKeyedOperation } from './history';
import { type Ledger, type LedgerArchive, type LedgerEntry, RETIRED_KEYS_LIMIT } from './state';
import { addTotals, debtCreatedBy, totalsByKind } from './totals';
import { requireInstant, requireNonNegativeInteger } from './validate';

function archived(archive: LedgerArchive, dropped: readonly LedgerEntry[]): LedgerArchive {
  return {
    entryCount: archive.entryCount + dropped.length,
    totals: addTotals(archive.totals, totalsByKind(dropped)),
    debtCreated: archive.debtCreated + debtCreatedBy(dropped),
  };
}

/** The newest `limit` distinct keys, newest last (a key seen again counts at its latest position). */
function newestDistinct(keys: readonly string[], limit: number): string[] {
  const seen = new Set<string>();
  const newestFirst: string[] = [];
  for (let i = keys.length - 1; i >= 0 && newestFirst.length < limit; i--) {
    const key = keys[i] as string;
    if (!seen.has(key)) newestFirst.push(key);
    seen.add(key);
  }
  return newestFirst.reverse();
}

/**
 * How many entries from the start are dated at or before `horizon`. Only a prefix is dropped: a write-off is dated at
 * the lot's deadline but booked when it was noticed, so dates are not monotonic in booking order, and a gap in the
 * middle would leave the last kept entry's `balanceAfter` describing a state that no longer adds up.
 */
function leadingEntriesBefore(entries: readonly LedgerEntry[], horizon: number): number {
  const firstKept = entries.findIndex((entry) => entry.at > horizon);
  return firstKept === -1 ? entries.length : firstKept;
}

/**
 * Bounds the state of a ledger that lives for years (call it before continue-as-new). Dropped: lots with nothing
 * left whose expiry is at least `retentionMs` before `at`, and the oldest entries dated at least `retentionMs` before
 * `at` (their sums move into `archive`, so lifetime totals stay exact). The de-duplication memory is then: keys of the
 * lots still held + keys of credit/debit entries still held + the newest `retiredKeysLimit` keys of dropped ones.
 * A repeat arriving after its key left all three is treated as new; a clawback of a dropped lot is `unknown`.
 */
export function compact(ledger: Ledger, at: number, retentionMs: number, retiredKeysLimit = RETIRED_KEYS_LIMIT): Ledger {
  requireInstant(at, 'compact at');
  requireNonNegativeInteger(retentionMs, 'compact retentionMs');
  requireNonNegativeInteger(retiredKeysLimit, 'compact retiredKeysLimit');
  const horizon = at - retentionMs;
  const lots = ledger.lots.filter((lot) => lot.remaining > 0 || lot.expiresAt > horizon);
  const entries = ledger.entries.slice(leadingEntriesBefore(ledger.entries, horizon));
  if (lots.length === ledger.lots.length && entries.length === ledger.entries.length) return ledger;

  const held = new Set([...lots.map((lot) => lot.key), ...entries.filter((entry) => isKeyedOperation(entry.kind)).map((entry) => entry.key)]);
  const droppedEntries = ledger.entries.slice(0, ledger.entries.length - entries.length);
  const droppedKeys = [
    ...ledger.lots.filter((lot) => !lots.includes(lot)).map((lot) => lot.key),
    ...droppedEntries.filter((entry) => isKeyedOperation(entry.kind)).map((entry) => entry.key),
  ].filter((key) => !held.has(key));
  return {
    ...ledger,
    lots,
    entries,
    retiredKeys: newestDistinct([...ledger.retiredKeys, ...droppedKeys], retiredKeysLimit),
    archive: archived(ledger.archive, droppedEntries),
  };
}
