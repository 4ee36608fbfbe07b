import { type Ledger, type LedgerEntry, type LedgerTotals, zeroTotals } from './state';

/** Σ entry amounts per kind over the given entries. */
export function totalsByKind(entries: readonly LedgerEntry[]): LedgerTotals {
  const totals = zeroTotals();
  for (const entry of entries) totals[entry.kind] += entry.amount;
  return totals;
}

export function addTotals(a: LedgerTotals, b: LedgerTotals): LedgerTotals {
  const totals = zeroTotals();
  for (const kind of Object.keys(totals) as (keyof LedgerTotals)[]) totals[kind] = a[kind] + b[kind];
  return totals;
}

/** Σ debt the given clawback entries created. */
export function debtCreatedBy(entries: readonly LedgerEntry[]): number {
  return entries.filter((entry) => entry.kind === 'clawback').reduce((sum, entry) => sum + entry.debt, 0);
}

/** Σ entry amounts per kind over the ledger's whole life: the entries held plus what compaction archived. */
export function lifetimeTotals(ledger: Ledger): LedgerTotals {
  return addTotals(ledger.archive.totals, totalsByKind(ledger.entries));
}

/** Σ debt created by clawbacks over the ledger's whole life. */
export function lifetimeDebtCreated(ledger: Ledger): number {
  return ledger.archive.debtCreated + debtCreatedBy(ledger.entries);
}
