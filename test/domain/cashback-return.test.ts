import { describe, expect, it } from 'vitest';
import { balances, emptyLedger, expireDue, resetAll, returnDebit, returnedKey, spend, type Ledger } from '../../src/domain/cashback-ledger';
import { credit, DAY, expectLedgerInvariants, T0 } from './cashback-ledger.fixture';

const redeem = (ledger: Ledger, key: string, amount: number, at: number): Ledger => spend(ledger, { key, amount, at, reason: 'paid part of a deal' }).ledger;
const giveBack = (ledger: Ledger, at: number, resetSince?: (accruedAt: number) => number | null) =>
  returnDebit(ledger, { debitKey: 'redeem:deal:9#1', at, reason: 'deal 9 lost', author: 'loyalty-engine', ...(resetSince ? { resetSince } : {}) });

describe('giving a redemption back', () => {
  // Two lots: the older expires on day 30, the newer on day 60; 1 500 redeemed on day 10 takes 1 000 + 500.
  const base = redeem(credit(credit(emptyLedger(), 'deal:1', 1_000, T0, 30), 'deal:2', 1_000, T0 + DAY, 59), 'redeem:deal:9#1', 1_500, T0 + 10 * DAY);

  it('returns each part onto the terms of the lot it came from, once', () => {
    const outcome = giveBack(base, T0 + 20 * DAY);
    expect(outcome.status).toBe('applied');
    const returned = outcome.ledger.lots.filter((lot) => lot.key.startsWith('returned:'));
    expect(returned.map((lot) => [lot.key, lot.remaining, lot.accruedAt, lot.expiresAt])).toEqual([
      [returnedKey('redeem:deal:9#1', 'deal:1'), 1_000, T0, T0 + 30 * DAY],
      [returnedKey('redeem:deal:9#1', 'deal:2'), 500, T0 + DAY, T0 + 60 * DAY],
    ]);
    expect(balances(outcome.ledger, T0 + 20 * DAY).available).toBe(2_000);
    expect(giveBack(outcome.ledger, T0 + 21 * DAY)).toMatchObject({ status: 'duplicate', entries: [] });
    // The returned 1 000 still expires on day 30, as the lot it was taken from: left are deal:2's unspent 500 and the
    // 500 returned onto its terms.
    expect(balances(expireDue(outcome.ledger, T0 + 30 * DAY).ledger, T0 + 30 * DAY).available).toBe(1_000);
    expectLedgerInvariants(outcome.ledger, T0 + 20 * DAY);
  });

  it('writes off at once a part whose lot has expired since, dated at that lot’s expiry', () => {
    const outcome = giveBack(base, T0 + 40 * DAY);
    expect(outcome.entries.map((e) => [e.kind, e.amount, e.at])).toEqual([
      ['manual-credit', 1_000, T0 + 40 * DAY],
      ['expiry', 1_000, T0 + 30 * DAY],
      ['manual-credit', 500, T0 + 40 * DAY],
    ]);
    expect(balances(outcome.ledger, T0 + 40 * DAY).available).toBe(500 + 500);
    expectLedgerInvariants(outcome.ledger, T0 + 40 * DAY);
  });

  it('never renews cashback past a calendar reset, even from a lot that was fully spent when the reset came', () => {
    const resetAt = T0 + 15 * DAY;
    // deal:1 was used up by the redemption, so the reset wrote off only what was left of deal:2.
    const afterReset = resetAll(base, resetAt, 'calendar reset').ledger;
    const outcome = giveBack(afterReset, T0 + 20 * DAY, (accruedAt) => (accruedAt < resetAt ? resetAt : null));
    expect(outcome.entries.filter((e) => e.kind === 'reset').map((e) => [e.amount, e.at])).toEqual([
      [1_000, resetAt],
      [500, resetAt],
    ]);
    expect(balances(outcome.ledger, T0 + 20 * DAY).net).toBe(0);
    expectLedgerInvariants(outcome.ledger, T0 + 20 * DAY);
  });

  it('changes nothing for a redemption it does not hold', () => {
    const outcome = returnDebit(base, { debitKey: 'redeem:deal:404#1', at: T0 + 20 * DAY, reason: 'deal lost' });
    expect(outcome).toEqual({ status: 'unknown', ledger: base, entries: [] });
  });
});
