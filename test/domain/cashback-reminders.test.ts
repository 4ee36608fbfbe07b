import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { accrue, emptyLedger, markReminded, spend, type Ledger } from '../../src/domain/cashback-ledger';
import { dueReminder, lossAt, nextReminderAt } from '../../src/domain/cashback-reminders';

const ZONE = 'Europe/Berlin';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();

function ledgerWith(...lots: { key: string; amount: number; accruedAt: string; expiresAt: string }[]): Ledger {
  return lots.reduce(
    (ledger, lot) => accrue(ledger, { key: lot.key, amount: lot.amount, at: at(lot.accruedAt), expiresAt: at(lot.expiresAt), reason: 'won' }).ledger,
    emptyLedger(),
  );
}

describe('cashback expiry reminders', () => {
  const policy = { daysBefore: 14, timeZone: ZONE, resetAt: null };

  it('fall due the given number of local days before the lot expires, across a DST change', () => {
    // 14 local days before 5 April 00:00 CEST is 22 March 00:00 CET: 335 hours, not 336.
    const ledger = ledgerWith({ key: 'deal:1', amount: 1000, accruedAt: '2025-01-10T12:00', expiresAt: '2025-04-05T00:00' });
    expect(nextReminderAt(ledger, at('2025-01-10T12:00'), policy)).toBe(at('2025-03-22T00:00'));
    expect(dueReminder(ledger, at('2025-03-21T23:59'), policy)).toBeNull();
    expect(dueReminder(ledger, at('2025-03-22T00:00'), policy)).toEqual({ lotKeys: ['deal:1'], amountMinor: 1000, expiresAt: at('2025-04-05T00:00') });
  });

  it('name each lot once: a reminded lot is neither due again nor scheduled again', () => {
    const ledger = ledgerWith({ key: 'deal:1', amount: 1000, accruedAt: '2025-01-10T12:00', expiresAt: '2025-04-05T00:00' });
    const reminded = markReminded(ledger, ['deal:1'], at('2025-03-22T00:00'));
    expect(dueReminder(reminded, at('2025-04-01T00:00'), policy)).toBeNull();
    expect(nextReminderAt(reminded, at('2025-01-10T12:00'), policy)).toBeNull();
  });

  it('count back from the calendar reset when it comes before the lot’s own expiry', () => {
    const resetAt = at('2026-01-01T00:00');
    const ledger = ledgerWith({ key: 'deal:1', amount: 500, accruedAt: '2025-06-01T10:00', expiresAt: '2026-06-02T00:00' });
    expect(lossAt(ledger.lots[0]!, resetAt)).toBe(resetAt);
    expect(nextReminderAt(ledger, at('2025-06-01T10:00'), { ...policy, resetAt })).toBe(at('2025-12-18T00:00'));
    expect(dueReminder(ledger, at('2025-12-18T00:00'), { ...policy, resetAt })).toEqual({ lotKeys: ['deal:1'], amountMinor: 500, expiresAt: resetAt });
  });

  it('gather every lot due at once, soonest loss first, with what is left of them', () => {
    let ledger = ledgerWith(
      { key: 'deal:2', amount: 700, accruedAt: '2025-01-20T10:00', expiresAt: '2025-04-10T00:00' },
      { key: 'deal:1', amount: 1000, accruedAt: '2025-01-10T10:00', expiresAt: '2025-04-05T00:00' },
      { key: 'deal:3', amount: 900, accruedAt: '2025-02-20T10:00', expiresAt: '2025-06-10T00:00' },
    );
    ledger = spend(ledger, { key: 'redeem:a', amount: 400, at: at('2025-03-01T10:00'), reason: 'deal 9' }).ledger;
    // A worker that was down: both reminders are overdue by the time it looks.
    expect(dueReminder(ledger, at('2025-03-30T08:00'), policy)).toEqual({ lotKeys: ['deal:1', 'deal:2'], amountMinor: 600 + 700, expiresAt: at('2025-04-05T00:00') });
  });

  it('skip lots with nothing left or already lost', () => {
    let ledger = ledgerWith({ key: 'deal:1', amount: 1000, accruedAt: '2025-01-10T10:00', expiresAt: '2025-04-05T00:00' });
    expect(dueReminder(ledger, at('2025-04-05T00:00'), policy)).toBeNull();
    ledger = spend(ledger, { key: 'redeem:a', amount: 1000, at: at('2025-03-01T10:00'), reason: 'deal 9' }).ledger;
    expect(dueReminder(ledger, at('2025-03-30T08:00'), policy)).toBeNull();
    expect(nextReminderAt(ledger, at('2025-03-01T10:00'), policy)).toBeNull();
  });
});
