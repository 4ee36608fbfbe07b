/**
 * The cashback ledger's state and the shapes of its requests and outcomes: plain JSON data only (no classes, Maps
 * or Sets), so a Temporal workflow can carry it across continue-as-new for years.
 */

/** What an entry records. Amounts are always positive; the kind gives the direction. */
export type LedgerEntryKind =
  | 'accrual'
  | 'manual-credit'
  | 'spend'
  | 'manual-debit'
  | 'expiry'
  | 'reset'
  | 'clawback'
  | 'debt-settlement';

export type CreditKind = 'accrual' | 'manual-credit';
export type DebitKind = 'spend' | 'manual-debit';

/** `debt`: the spent part of a reversed accrual becomes debt, settled by other lots. `cap`: only what is left is taken back. */
export type ClawbackPolicy = 'debt' | 'cap';

export interface Lot {
  /** The key of the credit that created it, e.g. `deal:123` or `bonus:req-9`. */
  key: string;
  amount: number;
  remaining: number;
  spent: number;
  expired: number;
  clawedBack: number;
  /** Taken from this lot to pay off debt. */
  settledDebt: number;
  accruedAt: number;
  /** Pending until then: counted, not spendable. */
  availableAt: number;
  expiresAt: number;
  reversed: boolean;
  remindedAt: number | null;
}

export interface LotMovement {
  lotKey: string;
  amount: number;
}

export interface LedgerEntry {
  seq: number;
  kind: LedgerEntryKind;
  /** Always positive; the kind says the direction. */
  amount: number;
  at: number;
  /** Key of the operation: its idempotency key for credits and debits, `expiry:<lot>`, `reset:<lot>`, `clawback:<lot>` otherwise. */
  key: string;
  reason: string;
  author: string | null;
  /** Lots this entry took from or credited, with how much. */
  lots: LotMovement[];
  /** Debt this entry created (clawback) or paid off (debt-settlement). */
  debt: number;
  /** Net balance (Σ remaining − debt) right after the entry. */
  balanceAfter: number;
}

export type LedgerTotals = Record<LedgerEntryKind, number>;

/** What compaction dropped from `entries`, summed, so lifetime totals and the conservation law survive it. */
export interface LedgerArchive {
  entryCount: number;
  totals: LedgerTotals;
  /** Σ debt created by the dropped clawback entries. */
  debtCreated: number;
}

export interface Ledger {
  lots: Lot[];
  /** Owed by the customer; never negative. */
  debt: number;
  entries: LedgerEntry[];
  /** Keys of finished operations whose lots and entries compaction dropped; bounded, newest last. */
  retiredKeys: string[];
  nextSeq: number;
  archive: LedgerArchive;
}

export interface AccrualRequest {
  key: string;
  amount: number;
  at: number;
  /** Start of spendability; defaults to `at` (no pending period). */
  availableAt?: number;
  expiresAt: number;
  reason: string;
  author?: string;
  kind?: CreditKind;
}

export interface SpendRequest {
  key: string;
  amount: number;
  at: number;
  reason: string;
  author?: string;
  kind?: DebitKind;
}

export interface ClawbackRequest {
  /** Key of the credit to reverse. */
  key: string;
  at: number;
  reason: string;
  policy: ClawbackPolicy;
}

export interface LedgerChange {
  ledger: Ledger;
  entries: LedgerEntry[];
}

export type LedgerOutcome = { status: 'applied'; ledger: Ledger; entries: LedgerEntry[] } | { status: 'duplicate'; ledger: Ledger; entries: [] };

/** `unknown`: no lot under that key, because it was never credited here or compaction dropped it long ago. */
export type ClawbackOutcome = LedgerOutcome | { status: 'unknown'; ledger: Ledger; entries: [] };

/** How many keys of dropped operations compaction keeps for de-duplicating late repeats, by default. */
export const RETIRED_KEYS_LIMIT = 1_000;

export function zeroTotals(): LedgerTotals {
  return { accrual: 0, 'manual-credit': 0, spend: 0, 'manual-debit': 0, expiry: 0, reset: 0, clawback: 0, 'debt-settlement': 0 };
}

export function emptyLedger(): Ledger {
  return { lots: [], debt: 0, entries: [], retiredKeys: [], nextSeq: 1, archive: { entryCount: 0, totals: zeroTotals(), debtCreated: 0 } };
}
