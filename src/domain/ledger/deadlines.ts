import { isLiveAt } from './lots';
import { type Ledger, type Lot } from './state';
import { requireInstant, requireNonNegativeInteger } from './validate';

export interface DeadlineOptions {
  /** The next calendar reset instant (calendar.ts `nextCalendarReset`), or null/absent when there is none. */
  resetAt?: number | null;
  /** With a reminder lead time, the instants at which not-yet-reminded lots enter their reminder period count too. */
  reminderLeadMs?: number | null;
}

function reminderDue(lot: Lot, leadMs: number): number {
  return lot.expiresAt - leadMs;
}

/**
 * The earliest instant strictly after `after` at which the ledger changes by itself (a lot with something left
 * expires or becomes available), or the reset, or a reminder falls due: the one timer a workflow needs. Null if none.
 * Anything already due at `after` is for the caller to act on now (expireDue, resetAll, lotsToRemind).
 */
export function nextDeadline(ledger: Ledger, after: number, options: DeadlineOptions = {}): number | null {
  requireInstant(after, 'nextDeadline after');
  const held = ledger.lots.filter((lot) => lot.remaining > 0);
  const leadMs = options.reminderLeadMs ?? null;
  if (leadMs !== null) requireNonNegativeInteger(leadMs, 'nextDeadline reminderLeadMs');
  const reminders = leadMs === null ? [] : held.filter((lot) => lot.remindedAt === null).map((lot) => reminderDue(lot, leadMs));
  const instants = [...held.flatMap((lot) => [lot.expiresAt, lot.availableAt]), ...reminders, options.resetAt ?? null].filter(
    (instant): instant is number => instant !== null && instant > after,
  );
  return instants.length === 0 ? null : Math.min(...instants);
}

/**
 * Lots with something left, not expired at `at`, expiring within `withinMs` after it and not reminded of yet: the
 * ones a pre-expiry reminder should name. Mark them with `markReminded` once told, so each lot is reminded once.
 */
export function lotsToRemind(ledger: Ledger, at: number, withinMs: number): Lot[] {
  requireInstant(at, 'lotsToRemind at');
  requireNonNegativeInteger(withinMs, 'lotsToRemind withinMs');
  return ledger.lots.filter((lot) => isLiveAt(lot, at) && lot.remindedAt === null && reminderDue(lot, withinMs) <= at);
}

export function markReminded(ledger: Ledger, lotKeys: readonly string[], at: number): Ledger {
  requireInstant(at, 'markReminded at');
  return { ...ledger, lots: ledger.lots.map((lot) => (lotKeys.includes(lot.key) && lot.remindedAt === null ? { ...lot, remindedAt: at } : lot)) };
}
