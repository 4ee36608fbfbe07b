/**
 * Pre-expiry reminders for cashback lots. A lot is lost at its own expiry or at the calendar reset, whichever
 * comes first, so the reminder counts back from that instant: `daysBefore` local calendar days (DST-exact).
 * Each lot is reminded of once (the ledger's `remindedAt`, set with `markReminded`).
 */
import { addLocalDays } from './calendar';
import { type Ledger, type Lot } from './cashback-ledger';

export interface ReminderPolicy {
  daysBefore: number;
  timeZone: string;
  /** The next calendar reset, or null when there is none. */
  resetAt: number | null;
}

/** Lots of one reminder, soonest loss first. */
export interface ExpiryReminder {
  lotKeys: string[];
  /** What is left in them now. */
  amountMinor: number;
  /** When the first of them is lost. */
  expiresAt: number;
}

/** When the lot's remaining value is lost: its expiry, or the reset if it comes first and the lot predates it. */
export function lossAt(lot: Lot, resetAt: number | null): number {
  return resetAt !== null && lot.accruedAt < resetAt && resetAt < lot.expiresAt ? resetAt : lot.expiresAt;
}

function reminderAt(lot: Lot, policy: ReminderPolicy): number {
  return addLocalDays(lossAt(lot, policy.resetAt), -policy.daysBefore, policy.timeZone);
}

function awaitingReminder(ledger: Ledger, at: number, policy: ReminderPolicy): Lot[] {
  return ledger.lots.filter((lot) => lot.remaining > 0 && lot.remindedAt === null && lossAt(lot, policy.resetAt) > at);
}

/** The earliest instant strictly after `after` at which a lot falls due for its reminder, or null. */
export function nextReminderAt(ledger: Ledger, after: number, policy: ReminderPolicy): number | null {
  const due = awaitingReminder(ledger, after, policy)
    .map((lot) => reminderAt(lot, policy))
    .filter((instant) => instant > after);
  return due.length === 0 ? null : Math.min(...due);
}

/** The lots whose reminder is due at `at` and not yet sent, as one reminder; null when there are none. */
export function dueReminder(ledger: Ledger, at: number, policy: ReminderPolicy): ExpiryReminder | null {
  const lots = awaitingReminder(ledger, at, policy)
    .filter((lot) => reminderAt(lot, policy) <= at)
    .sort((a, b) => lossAt(a, policy.resetAt) - lossAt(b, policy.resetAt) || (a.key < b.key ? -1 : 1));
  const first = lots[0];
  if (first === undefined) return null;
  return { lotKeys: lots.map((lot) => lot.key), amountMinor: lots.reduce((sum, lot) => sum + lot.remaining, 0), expiresAt: lossAt(first, policy.resetAt) };
}
