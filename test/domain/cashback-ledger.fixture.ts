import { expect } from 'vitest';
import { accrue, balances, lifetimeDebtCreated, lifetimeTotals, netBalance, type Ledger } from '../../src/domain/cashback-ledger';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 10, 9, 0, 0);

export function credit(ledger: Ledger, key: string, amount: number, at: number, expiresInDays = 365, pendingDays = 0): Ledger {
  return accrue(ledger, {
    key,
    amount,
    at,
    availableAt: at + pendingDays * DAY,
    expiresAt: at + expiresInDays * DAY,
    reason: `cashback for ${key}`,
  }).ledger;
}

/** The documented invariants (see the header of src/domain/cashback-ledger.ts), checked from the outside. */
export function expectLedgerInvariants(ledger: Ledger, now: number): void {
  const t = lifetimeTotals(ledger);
  const net = ledger.lots.reduce((sum, lot) => sum + lot.remaining, 0) - ledger.debt;
  expect(netBalance(ledger)).toBe(net);
  expect(t.accrual + t['manual-credit']).toBe(t.spend + t['manual-debit'] + t.expiry + t.reset + t.clawback + net);
  expect(ledger.debt).toBe(lifetimeDebtCreated(ledger) - t['debt-settlement']);
  expect(ledger.debt).toBeGreaterThanOrEqual(0);
  for (const lot of ledger.lots) {
    for (const part of [lot.remaining, lot.spent, lot.expired, lot.clawedBack, lot.settledDebt]) expect(part).toBeGreaterThanOrEqual(0);
    expect(lot.amount).toBe(lot.remaining + lot.spent + lot.expired + lot.clawedBack + lot.settledDebt);
  }
  if (ledger.entries.length > 0) expect(ledger.entries.at(-1)?.balanceAfter).toBe(net);
  if (ledger.debt > 0) expect(balances(ledger, now)).toMatchObject({ available: 0, pending: 0 });
  // Plain data: survives the JSON round trip Temporal puts it through.
  expect(JSON.parse(JSON.stringify(ledger))).toEqual(ledger);
}

/** Freezes the whole state, so any mutation by a function under test throws (test modules run in strict mode). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
