/**
 * What a customer has spent on won deals: the basis of cashback tiers by cumulative spend. Recent wins are listed so
 * a reversal takes its own amount back out; wins older than the account's retention are folded into one total, like
 * the ledger's own compaction, and a reversal that late no longer lowers it.
 */
import type { MinorUnits } from './programme';

export interface WonSpend {
  dealId: number;
  amountMinor: MinorUnits;
  wonAt: number;
}

export interface SpendRecord {
  /** Σ of won deals folded out of `recent`. */
  foldedMinor: MinorUnits;
  /** Won deals still reversible, in the order they were recorded. */
  recent: WonSpend[];
}

export function emptySpend(): SpendRecord {
  return { foldedMinor: 0, recent: [] };
}

export function totalSpent(record: SpendRecord): MinorUnits {
  return record.recent.reduce((sum, won) => sum + won.amountMinor, record.foldedMinor);
}

/** Counts a won deal once: a deal already listed (a repeated message) changes nothing. */
export function recordWonSpend(record: SpendRecord, won: WonSpend): SpendRecord {
  if (!Number.isSafeInteger(won.amountMinor) || won.amountMinor < 0) throw new RangeError(`won deal ${won.dealId}: amount must be a non-negative integer of minor units, got ${won.amountMinor}`);
  if (record.recent.some((listed) => listed.dealId === won.dealId)) return record;
  return { ...record, recent: [...record.recent, won] };
}

/** A reversed deal no longer counts; a deal not listed (never counted, or folded) changes nothing. */
export function reverseWonSpend(record: SpendRecord, dealId: number): SpendRecord {
  if (!record.recent.some((listed) => listed.dealId === dealId)) return record;
  return { ...record, recent: record.recent.filter((listed) => listed.dealId !== dealId) };
}

/** Folds wins from before `before` into the total, so the record stays as small as the retention window. */
export function foldSpendBefore(record: SpendRecord, before: number): SpendRecord {
  const old = record.recent.filter((won) => won.wonAt < before);
  if (old.length === 0) return record;
  return {
    foldedMinor: old.reduce((sum, won) => sum + won.amountMinor, record.foldedMinor),
    recent: record.recent.filter((won) => won.wonAt >= before),
  };
}
