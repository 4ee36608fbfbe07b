import { type Ledger } from './state';
import { requireInstant } from './validate';

export interface DeadlineOptions {
  /** The next calendar reset instant (calendar.ts `nextCalendarReset`), or null/absent when there is none. */
  resetAt?: number | null;
}

/**
 * The earliest instant strictly after `after` at which the ledger changes by itself (a lot with something left
 * expires or becomes available), or the reset. Reminders have their own deadline (cashback-reminders.ts), since a
 * reset can take cashback before its lot expires. Anything already due at `after` is for the caller to act on now
 * (expireDue, resetAll).
 */
export function nextDeadline(ledger: Ledger, after: number, options: DeadlineOptions = {}): number | null {
  requireInstant(after, 'nextDeadline after');
  const held = ledger.lots.filter((lot) => lot.remaining > 0);
  const instants = [...held.flatMap((lot) => [lot.expiresAt, lot.availableAt]), options.resetAt ?? null].filter(
    (instant): instant is number => instant !== null && instant > after,
  );
  return instants.length === 0 ? null : Math.min(...instants);
}

/** Marks lots as reminded of, so each lot's pre-expiry reminder goes out once (cashback-reminders.ts picks them). */
export function markReminded(ledger: Ledger, lotKeys: readonly string[], at: number): Ledger {
  requireInstant(at, 'markReminded at');
  return { ...ledger, lots: ledger.lots.map((lot) => (lotKeys.includes(lot.key) && lot.remindedAt === null ? { ...lot, remindedAt: at } : lot)) };
}
