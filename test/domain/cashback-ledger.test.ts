import { describe, expect, it } from 'vitest';
import {
  accrue,
  balances,
  clawBack,
  compact,
  emptyLedger,
  expireDue,
  hasProcessed,
  InsufficientBalanceError,
  InvalidLedgerRequestError,
  lifetimeTotals,
  markReminded,
  netBalance,
  nextDeadline,
  resetAll,
  spend,
  totalsByKind,
  type Ledger,
} from '../../src/domain/cashback-ledger';
import { credit, DAY, expectLedgerInvariants, T0 } from './cashback-ledger.fixture';

const redeem = (ledger: Ledger, key: string, amount: number, at: number): Ledger => spend(ledger, { key, amount, at, reason: 'paid part of a deal' }).ledger;

describe('accruing and spending', () => {
  it('refuses to spend more than the available balance, naming both amounts, and debits nothing', () => {
    const ledger = credit(emptyLedger(), 'deal:1', 2_500_00, T0);
    const attempt = () => spend(ledger, { key: 'r1', amount: 2_500_01, at: T0, reason: 'redeem' });
    expect(attempt).toThrow(new InsufficientBalanceError(2_500_01, 2_500_00));
    expect(attempt).toThrow('insufficient cashback balance: requested 250001, available 250000 (minor units)');
    expect(hasProcessed(ledger, 'r1')).toBe(false);
    expect(redeem(ledger, 'r1', 2_500_00, T0).lots[0]).toMatchObject({ remaining: 0, spent: 2_500_00 });
  });

  it('keeps pending cashback out of reach until its pending period ends', () => {
    const ledger = credit(emptyLedger(), 'deal:1', 1_000, T0, 365, 14);
    expect(balances(ledger, T0 + 14 * DAY - 1)).toEqual({ available: 0, pending: 1_000, debt: 0, net: 1_000 });
    expect(() => redeem(ledger, 'r', 1, T0 + 13 * DAY)).toThrow(InsufficientBalanceError);
    expect(balances(ledger, T0 + 14 * DAY)).toMatchObject({ available: 1_000, pending: 0 });
    expect(nextDeadline(ledger, T0)).toBe(T0 + 14 * DAY);
  });

  it('spends the soonest-expiring lot first and takes the next one in part', () => {
    let ledger = credit(emptyLedger(), 'deal:late', 500, T0, 300);
    ledger = credit(ledger, 'deal:soon', 300, T0 + DAY, 30);
    const { entries } = spend(ledger, { key: 'redeem:1', amount: 400, at: T0 + 2 * DAY, reason: 'paid part of deal 9' });
    expect(entries).toEqual([
      expect.objectContaining({ kind: 'spend', amount: 400, key: 'redeem:1', lots: [{ lotKey: 'deal:soon', amount: 300 }, { lotKey: 'deal:late', amount: 100 }], balanceAfter: 400 }),
    ]);
  });

  it('records a manual credit and a manual debit with reason and author; the debit is FIFO too', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 1_000, T0, 100);
    const granted = accrue(ledger, { key: 'bonus:req-1', kind: 'manual-credit', amount: 50_000, at: T0, expiresAt: T0 + 90 * DAY, reason: 'apology: delivery two days late', author: 'user:12' });
    expect(granted.entries).toEqual([expect.objectContaining({ kind: 'manual-credit', author: 'user:12', reason: 'apology: delivery two days late', balanceAfter: 51_000 })]);
    ledger = granted.ledger;
    const debited = spend(ledger, { key: 'debit:1', kind: 'manual-debit', amount: 50_500, at: T0 + DAY, reason: 'bonus granted twice by mistake', author: 'user:7' });
    expect(debited.entries[0]).toMatchObject({
      kind: 'manual-debit',
      author: 'user:7',
      lots: [{ lotKey: 'bonus:req-1', amount: 50_000 }, { lotKey: 'deal:1', amount: 500 }],
      balanceAfter: 500,
    });
    expect(totalsByKind(debited.ledger.entries)).toMatchObject({ accrual: 1_000, 'manual-credit': 50_000, 'manual-debit': 50_500 });
  });
});

describe('expiry and the calendar reset', () => {
  it('expires each lot at its own instant, dating the entry then however late it is noticed', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 100, T0, 30);
    ledger = credit(ledger, 'deal:2', 200, T0 + DAY, 60);
    ledger = redeem(ledger, 'r', 40, T0 + 2 * DAY);
    expect(nextDeadline(ledger, T0 + 2 * DAY)).toBe(T0 + 30 * DAY);
    expect(expireDue(ledger, T0 + 30 * DAY - 1).entries).toEqual([]);
    const first = expireDue(ledger, T0 + 45 * DAY);
    expect(first.entries.map((e) => [e.kind, e.amount, e.key, e.at])).toEqual([['expiry', 60, 'expiry:deal:1', T0 + 30 * DAY]]);
    expect(expireDue(first.ledger, T0 + 45 * DAY).entries).toEqual([]);
    const second = expireDue(first.ledger, T0 + 61 * DAY);
    expect(second.entries.map((e) => e.amount)).toEqual([200]);
    expect(netBalance(second.ledger)).toBe(0);
    expectLedgerInvariants(second.ledger, T0 + 61 * DAY);
  });

  it('the reset writes off every lot accrued before it, pending ones too, and leaves later ones to the next period', () => {
    let ledger = credit(emptyLedger(), 'deal:old', 100, T0);
    ledger = credit(ledger, 'deal:pending', 50, T0 + DAY / 2, 365, 14);
    ledger = credit(ledger, 'deal:new', 200, T0 + 2 * DAY);
    const reset = resetAll(ledger, T0 + DAY, 'year-end reset');
    expect(reset.entries.map((e) => [e.kind, e.key, e.amount, e.at, e.reason])).toEqual([
      ['reset', 'reset:deal:old', 100, T0 + DAY, 'year-end reset'],
      ['reset', 'reset:deal:pending', 50, T0 + DAY, 'year-end reset'],
    ]);
    expect(balances(reset.ledger, T0 + 2 * DAY).available).toBe(200);
  });

  it('the reset keeps debt owed', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 500, T0);
    ledger = redeem(ledger, 'r', 300, T0);
    ledger = clawBack(ledger, { key: 'deal:1', at: T0 + DAY, reason: 'deal lost', policy: 'debt' }).ledger;
    const reset = resetAll(ledger, T0 + 3 * DAY, 'year-end reset');
    expect(reset.entries).toEqual([]);
    expect(balances(reset.ledger, T0 + 3 * DAY)).toEqual({ available: 0, pending: 0, debt: 300, net: -300 });
  });
});

describe('clawback', () => {
  it('a deal won then lost gives back exactly what it gave (nothing spent)', () => {
    const won = credit(emptyLedger(), 'deal:7', 3_500_00, T0);
    const lost = clawBack(won, { key: 'deal:7', at: T0 + DAY, reason: 'deal 7 moved to LOSE', policy: 'debt' });
    expect(lost.entries).toEqual([expect.objectContaining({ kind: 'clawback', key: 'clawback:deal:7', amount: 3_500_00, debt: 0, lots: [{ lotKey: 'deal:7', amount: 3_500_00 }] })]);
    expect(balances(lost.ledger, T0 + DAY)).toEqual({ available: 0, pending: 0, debt: 0, net: 0 });
    expect(clawBack(lost.ledger, { key: 'deal:7', at: T0 + 2 * DAY, reason: 'again', policy: 'debt' }).status).toBe('duplicate');
  });

  it('under debt, the spent part becomes debt that the next accrual pays off first', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 1_000, T0);
    ledger = redeem(ledger, 'r', 600, T0);
    ledger = clawBack(ledger, { key: 'deal:1', at: T0 + DAY, reason: 'deal lost', policy: 'debt' }).ledger;
    expect(balances(ledger, T0 + DAY)).toEqual({ available: 0, pending: 0, debt: 600, net: -600 });
    const next = accrue(ledger, { key: 'deal:2', amount: 1_500, at: T0 + 2 * DAY, expiresAt: T0 + 400 * DAY, reason: 'cashback' });
    expect(next.entries.map((e) => [e.kind, e.amount, e.debt])).toEqual([
      ['accrual', 1_500, 0],
      ['debt-settlement', 600, 600],
    ]);
    expect(balances(next.ledger, T0 + 2 * DAY)).toEqual({ available: 900, pending: 0, debt: 0, net: 900 });
  });

  it('under debt, other live lots pay the debt at once, so it cannot be spent while owed', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 1_000, T0, 30);
    ledger = credit(ledger, 'deal:2', 500, T0, 60);
    ledger = credit(ledger, 'deal:3', 300, T0, 90, 10);
    ledger = redeem(ledger, 'r', 1_000, T0 + DAY);
    const lost = clawBack(ledger, { key: 'deal:1', at: T0 + 2 * DAY, reason: 'deal lost', policy: 'debt' });
    expect(lost.entries.map((e) => [e.kind, e.amount, e.debt, e.lots])).toEqual([
      ['clawback', 1_000, 1_000, []],
      ['debt-settlement', 800, 800, [{ lotKey: 'deal:2', amount: 500 }, { lotKey: 'deal:3', amount: 300 }]],
    ]);
    expect(balances(lost.ledger, T0 + 11 * DAY)).toEqual({ available: 0, pending: 0, debt: 200, net: -200 });
    expectLedgerInvariants(lost.ledger, T0 + 2 * DAY);
  });

  it('under cap, only what is left of the lot is taken back and no debt arises', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 1_000, T0);
    ledger = redeem(ledger, 'r', 600, T0);
    const capped = clawBack(ledger, { key: 'deal:1', at: T0 + DAY, reason: 'deal lost', policy: 'cap' });
    expect(capped.entries).toEqual([expect.objectContaining({ kind: 'clawback', amount: 400, debt: 0 })]);
    expect(balances(capped.ledger, T0 + DAY)).toEqual({ available: 0, pending: 0, debt: 0, net: 0 });
  });

  it('does not take back what already expired', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 1_000, T0, 10);
    ledger = redeem(ledger, 'r', 300, T0);
    ledger = expireDue(ledger, T0 + 10 * DAY).ledger;
    const lost = clawBack(ledger, { key: 'deal:1', at: T0 + 11 * DAY, reason: 'deal lost', policy: 'debt' });
    expect(lost.entries.map((e) => [e.kind, e.amount, e.debt])).toEqual([['clawback', 300, 300]]);
    expect(netBalance(lost.ledger)).toBe(-300);
  });

  it('reports a key with no lot as unknown and changes nothing', () => {
    const ledger = credit(emptyLedger(), 'deal:1', 100, T0);
    expect(clawBack(ledger, { key: 'deal:404', at: T0, reason: 'deal lost', policy: 'debt' })).toEqual({ status: 'unknown', ledger, entries: [] });
  });
});

describe('timers and reminders', () => {
  it('gives the next instant for a timer: availability, expiry or reset, whichever comes first', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 100, T0, 30, 5);
    expect(nextDeadline(ledger, T0)).toBe(T0 + 5 * DAY);
    expect(nextDeadline(ledger, T0 + 5 * DAY)).toBe(T0 + 30 * DAY);
    expect(nextDeadline(ledger, T0 + 5 * DAY, { resetAt: T0 + 20 * DAY })).toBe(T0 + 20 * DAY);
    ledger = redeem(ledger, 'r', 100, T0 + 6 * DAY);
    expect(nextDeadline(ledger, T0 + 6 * DAY)).toBeNull();
    expect(nextDeadline(ledger, T0 + 6 * DAY, { resetAt: T0 + 6 * DAY })).toBeNull();
  });

  it('marks a lot reminded of once: a later mark keeps the first instant', () => {
    const ledger = credit(credit(emptyLedger(), 'deal:1', 100, T0, 30), 'deal:2', 100, T0, 60);
    const reminded = markReminded(ledger, ['deal:1'], T0 + 23 * DAY);
    expect(reminded.lots.map((l) => l.remindedAt)).toEqual([T0 + 23 * DAY, null]);
    expect(markReminded(reminded, ['deal:1'], T0 + 25 * DAY).lots[0]?.remindedAt).toBe(T0 + 23 * DAY);
  });
});

describe('compaction', () => {
  it('drops used-up lots and old entries, keeps lifetime totals, and still recognises old keys', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 100, T0, 10);
    ledger = redeem(ledger, 'r1', 60, T0);
    ledger = expireDue(ledger, T0 + 10 * DAY).ledger;
    ledger = credit(ledger, 'deal:2', 70, T0 + 300 * DAY, 365);
    const compacted = compact(ledger, T0 + 400 * DAY, 365 * DAY);
    expect(compacted.lots.map((l) => l.key)).toEqual(['deal:2']);
    expect(compacted.entries.map((e) => e.key)).toEqual(['deal:2']);
    expect(compacted.retiredKeys).toEqual(['deal:1', 'r1']);
    expect(compacted.archive).toEqual({ entryCount: 3, totals: expect.objectContaining({ accrual: 100, spend: 60, expiry: 40 }), debtCreated: 0 });
    expect(lifetimeTotals(compacted)).toEqual(lifetimeTotals(ledger));
    expectLedgerInvariants(compacted, T0 + 400 * DAY);
    expect(accrue(compacted, { key: 'deal:1', amount: 100, at: T0 + 400 * DAY, expiresAt: T0 + 800 * DAY, reason: 'late repeat' }).status).toBe('duplicate');
    expect(spend(compacted, { key: 'r1', amount: 1, at: T0 + 400 * DAY, reason: 'late repeat' }).status).toBe('duplicate');
    expect(clawBack(compacted, { key: 'deal:1', at: T0 + 400 * DAY, reason: 'late reversal', policy: 'debt' }).status).toBe('unknown');
    expect(compact(compacted, T0 + 400 * DAY, 365 * DAY)).toBe(compacted);
  });

  it('drops only the oldest run of entries, so an expiry booked after a newer credit keeps the balance trail whole', () => {
    // Found by the property test: the expiry of deal:1 is dated at its deadline (day 1) but booked on day 2, after
    // the credit of deal:2; dropping it alone left deal:2's entry as the last one, with a balance that had changed.
    let ledger = credit(emptyLedger(), 'deal:1', 1, T0, 1);
    ledger = credit(ledger, 'deal:2', 1, T0 + 2 * DAY, 1);
    ledger = expireDue(ledger, T0 + 2 * DAY).ledger;
    const compacted = compact(ledger, T0 + 2 * DAY, DAY);
    expect(compacted.entries.map((e) => [e.kind, e.key])).toEqual([
      ['accrual', 'deal:2'],
      ['expiry', 'expiry:deal:1'],
    ]);
    expect(compacted.archive.entryCount).toBe(1);
    expectLedgerInvariants(compacted, T0 + 2 * DAY);
  });

  it('keeps only the newest retired keys, so the de-duplication memory is bounded', () => {
    let ledger = emptyLedger();
    for (let i = 0; i < 30; i++) ledger = redeem(credit(ledger, `deal:${i}`, 10, T0 + i * DAY, 1), `redeem:${i}`, 10, T0 + i * DAY);
    const compacted = compact(ledger, T0 + 100 * DAY, 10 * DAY, 8);
    expect(compacted.lots).toEqual([]);
    expect(compacted.retiredKeys).toEqual(['deal:26', 'redeem:26', 'deal:27', 'redeem:27', 'deal:28', 'redeem:28', 'deal:29', 'redeem:29']);
    expect(hasProcessed(compacted, 'redeem:29')).toBe(true);
    expect(hasProcessed(compacted, 'redeem:3')).toBe(false);
  });
});

describe('validation', () => {
  it('rejects malformed requests with a message naming the field and the problem, changing nothing', () => {
    const ledger = credit(emptyLedger(), 'deal:1', 100, T0);
    const base = { key: 'deal:2', amount: 10, at: T0, expiresAt: T0 + DAY, reason: 'cashback' };
    const cases: [() => unknown, string][] = [
      [() => accrue(ledger, { ...base, amount: 10.5 }), 'accrual deal:2: amount must be a positive integer of minor units, got 10.5'],
      [() => accrue(ledger, { ...base, amount: 0 }), 'accrual deal:2: amount must be a positive integer of minor units, got 0'],
      [() => accrue(ledger, { ...base, key: ' ' }), 'accrual: key must be a non-empty string'],
      [() => accrue(ledger, { ...base, expiresAt: T0 }), 'accrual deal:2: expiry must be after the lot becomes available'],
      [() => accrue(ledger, { ...base, availableAt: T0 - 1 }), 'accrual deal:2: availableAt must not be before the accrual instant'],
      [() => accrue(ledger, { ...base, at: Number.NaN }), 'accrual deal:2 at: expected epoch milliseconds as an integer, got NaN'],
      [() => accrue(ledger, { ...base, reason: '' }), 'accrual deal:2: reason must be a non-empty string'],
      [() => accrue(ledger, { ...base, kind: 'manual-credit', author: '' }), 'manual-credit deal:2: author, when given, must be a non-empty string'],
      [() => accrue(ledger, { ...base, amount: Number.MAX_SAFE_INTEGER }), 'accrual deal:2: the balance would exceed the safe-integer range of minor units'],
      [() => spend(ledger, { key: 'r', amount: -1, at: T0, reason: 'x' }), 'spend r: amount must be a positive integer of minor units, got -1'],
      [() => spend(ledger, { key: 'r', amount: 1, at: T0, reason: 'x', kind: 'accrual' as 'spend' }), 'debit: kind must be one of spend, manual-debit, got "accrual"'],
      [() => accrue(ledger, { ...base, kind: 'spend' as 'accrual' }), 'credit: kind must be one of accrual, manual-credit, got "spend"'],
      [() => clawBack(ledger, { key: 'deal:1', at: T0, reason: 'x', policy: 'all' as 'cap' }), 'clawback deal:1: policy must be "debt" or "cap", got "all"'],
      [() => compact(ledger, T0, -1), 'compact retentionMs: expected a non-negative integer, got -1'],
    ];
    for (const [attempt, message] of cases) {
      expect(attempt).toThrow(InvalidLedgerRequestError);
      expect(attempt).toThrow(message);
    }
    expect(ledger.lots.map((l) => l.remaining)).toEqual([100]);
  });
});
