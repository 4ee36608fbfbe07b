import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accrue,
  balances,
  clawBack,
  compact,
  emptyLedger,
  expireDue,
  InsufficientBalanceError,
  type Ledger,
  lotsToRemind,
  markReminded,
  netBalance,
  nextDeadline,
  resetAll,
  spend,
  totalsByKind,
  type ClawbackPolicy,
} from '../../src/domain/cashback-ledger';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10);

function credit(ledger: Ledger, key: string, amount: number, at: number, expiresInDays = 365, pendingDays = 0): Ledger {
  return accrue(ledger, {
    key,
    amount,
    at,
    availableAt: at + pendingDays * DAY,
    expiresAt: at + expiresInDays * DAY,
    reason: `cashback for ${key}`,
  }).ledger;
}

function checkConservation(ledger: Ledger): void {
  const t = totalsByKind(ledger.entries);
  const accrued = t.accrual + t['manual-credit'];
  const spent = t.spend + t['manual-debit'];
  const expired = t.expiry + t.reset;
  // accrued = spent + expired + clawed back + balance, with balance = Σ remaining − debt
  expect(accrued).toBe(spent + expired + t.clawback + netBalance(ledger));
  for (const lot of ledger.lots) {
    expect(lot.remaining).toBeGreaterThanOrEqual(0);
    expect(lot.amount).toBe(lot.remaining + lot.spent + lot.expired + lot.clawedBack + lot.settledDebt);
  }
  const debtCreated = ledger.entries.filter((e) => e.kind === 'clawback').reduce((s, e) => s + e.debt, 0);
  expect(ledger.debt).toBe(debtCreated - t['debt-settlement']);
  expect(ledger.debt).toBeGreaterThanOrEqual(0);
  expect(ledger.entries.at(-1)?.balanceAfter ?? 0).toBe(netBalance(ledger));
}

type Op =
  | { op: 'accrue'; key: number; amount: number; days: number; expiry: number; pending: number }
  | { op: 'spend'; key: number; amount: number; days: number }
  | { op: 'expire'; days: number }
  | { op: 'reset'; days: number }
  | { op: 'clawback'; key: number; days: number; policy: ClawbackPolicy };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('accrue' as const), key: fc.nat(12), amount: fc.integer({ min: 1, max: 100_000 }), days: fc.nat(20), expiry: fc.integer({ min: 1, max: 400 }), pending: fc.nat(30) }),
  fc.record({ op: fc.constant('spend' as const), key: fc.nat(12), amount: fc.integer({ min: 1, max: 150_000 }), days: fc.nat(20) }),
  fc.record({ op: fc.constant('expire' as const), days: fc.nat(60) }),
  fc.record({ op: fc.constant('reset' as const), days: fc.nat(60) }),
  fc.record({ op: fc.constant('clawback' as const), key: fc.nat(12), days: fc.nat(20), policy: fc.constantFrom<ClawbackPolicy>('debt', 'cap') }),
);

/** Runs operations with a monotonic clock, skipping spends the balance does not cover (they throw, by design). */
function run(ops: Op[]): Ledger {
  let ledger = emptyLedger();
  let now = T0;
  for (const step of ops) {
    now += step.days * DAY;
    switch (step.op) {
      case 'accrue':
        ledger = credit(ledger, `deal:${step.key}`, step.amount, now, step.expiry, Math.min(step.pending, step.expiry - 1));
        break;
      case 'spend':
        try {
          ledger = spend(ledger, { key: `redeem:${step.key}:${now}`, amount: step.amount, at: now, reason: 'redeemed on a deal' }).ledger;
        } catch (error) {
          expect(error).toBeInstanceOf(InsufficientBalanceError);
        }
        break;
      case 'expire':
        ledger = expireDue(ledger, now).ledger;
        break;
      case 'reset':
        ledger = resetAll(ledger, now, 'year-end reset').ledger;
        break;
      case 'clawback':
        ledger = clawBack(ledger, { key: `deal:${step.key}`, at: now, reason: 'deal reversed', policy: step.policy }).ledger;
        break;
    }
    checkConservation(ledger);
  }
  return ledger;
}

describe('cashback ledger invariants (property-based)', () => {
  it('conserves value: accrued = spent + expired + clawed back + balance, after any sequence', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => void run(ops)), { numRuns: 300 });
  });

  it('applying the same accrual twice changes nothing', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 20 }), fc.integer({ min: 1, max: 10_000 }), (ops, amount) => {
        const before = run(ops);
        const at = T0 + 10_000 * DAY;
        const once = accrue(before, { key: 'deal:repeat', amount, at, expiresAt: at + 30 * DAY, reason: 'x' });
        const twice = accrue(once.ledger, { key: 'deal:repeat', amount, at, expiresAt: at + 30 * DAY, reason: 'x' });
        expect(twice.status).toBe('duplicate');
        expect(twice.ledger).toEqual(once.ledger);
      }),
      { numRuns: 200 },
    );
  });

  it('spends soonest-expiring available lots first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 5_000 }), expiry: fc.integer({ min: 2, max: 500 }) }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 40_000 }),
        (lots, wanted) => {
          let ledger = emptyLedger();
          lots.forEach((lot, i) => (ledger = credit(ledger, `deal:${i}`, lot.amount, T0, lot.expiry)));
          const amount = Math.min(wanted, balances(ledger, T0).available);
          const { entries } = spend(ledger, { key: 'r', amount, at: T0, reason: 'redeem' });
          const order = [...ledger.lots].sort((a, b) => a.expiresAt - b.expiresAt || (a.key < b.key ? -1 : 1));
          const touched = entries[0]!.lots.map((m) => m.lotKey);
          // The lots touched are a prefix of the expiry order, and every lot but the last is emptied.
          expect(touched).toEqual(order.slice(0, touched.length).map((l) => l.key));
          entries[0]!.lots.slice(0, -1).forEach((m, i) => expect(m.amount).toBe(order[i]!.amount));
          expect(entries[0]!.lots.reduce((s, m) => s + m.amount, 0)).toBe(amount);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('cashback ledger behaviour', () => {
  it('refuses to spend more than the available balance and debits nothing', () => {
    const ledger = credit(emptyLedger(), 'deal:1', 2_500_00, T0);
    expect(() => spend(ledger, { key: 'r1', amount: 2_500_01, at: T0, reason: 'redeem' })).toThrow(
      'insufficient cashback balance: requested 250001, available 250000 (minor units)',
    );
    expect(balances(ledger, T0).available).toBe(2_500_00);
  });

  it('keeps pending cashback out of reach until its pending period ends', () => {
    const ledger = credit(emptyLedger(), 'deal:1', 1_000, T0, 365, 14);
    expect(balances(ledger, T0 + 13 * DAY)).toMatchObject({ available: 0, pending: 1_000 });
    expect(() => spend(ledger, { key: 'r', amount: 1, at: T0 + 13 * DAY, reason: 'x' })).toThrow(InsufficientBalanceError);
    expect(balances(ledger, T0 + 14 * DAY)).toMatchObject({ available: 1_000, pending: 0 });
    expect(nextDeadline(ledger, T0)).toBe(T0 + 14 * DAY);
  });

  it('expires each lot at its own instant', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 100, T0, 30);
    ledger = credit(ledger, 'deal:2', 200, T0 + DAY, 60);
    ledger = spend(ledger, { key: 'r', amount: 40, at: T0 + 2 * DAY, reason: 'redeem' }).ledger;
    expect(nextDeadline(ledger, T0 + 2 * DAY)).toBe(T0 + 30 * DAY);
    const first = expireDue(ledger, T0 + 30 * DAY);
    expect(first.entries.map((e) => [e.kind, e.amount, e.key])).toEqual([['expiry', 60, 'expiry:deal:1']]);
    expect(balances(first.ledger, T0 + 30 * DAY).available).toBe(200);
    const second = expireDue(first.ledger, T0 + 61 * DAY);
    expect(second.entries.map((e) => e.amount)).toEqual([200]);
    expect(netBalance(second.ledger)).toBe(0);
  });

  it('the calendar reset writes off everything left but keeps debt owed', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 500, T0);
    ledger = spend(ledger, { key: 'r', amount: 300, at: T0, reason: 'redeem' }).ledger;
    ledger = clawBack(ledger, { key: 'deal:1', at: T0 + DAY, reason: 'deal lost', policy: 'debt' }).ledger;
    ledger = credit(ledger, 'deal:2', 100, T0 + 2 * DAY);
    const reset = resetAll(ledger, T0 + 3 * DAY, 'year-end reset');
    expect(reset.entries).toEqual([]);
    expect(reset.ledger.debt).toBe(200);
  });

  it('the reset leaves lots accrued after its instant, though processed late, to the next period', () => {
    let ledger = credit(emptyLedger(), 'deal:old', 100, T0);
    ledger = credit(ledger, 'deal:new', 200, T0 + 2 * DAY);
    const reset = resetAll(ledger, T0 + DAY, 'year-end reset');
    expect(reset.entries.map((e) => [e.key, e.amount])).toEqual([['reset:deal:old', 100]]);
    expect(balances(reset.ledger, T0 + 2 * DAY).available).toBe(200);
  });

  it('a deal won then lost gives back exactly what it gave (nothing spent)', () => {
    const won = credit(emptyLedger(), 'deal:7', 3_500_00, T0);
    const lost = clawBack(won, { key: 'deal:7', at: T0 + DAY, reason: 'deal 7 moved to LOSE', policy: 'debt' });
    expect(lost.entries).toMatchObject([{ kind: 'clawback', amount: 3_500_00, debt: 0 }]);
    expect(balances(lost.ledger, T0 + DAY)).toEqual({ available: 0, pending: 0, debt: 0, net: 0 });
    expect(clawBack(lost.ledger, { key: 'deal:7', at: T0 + 2 * DAY, reason: 'again', policy: 'debt' }).status).toBe('duplicate');
  });

  it('claws back a partly spent accrual as debt, settled by the next accrual', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 1_000, T0);
    ledger = spend(ledger, { key: 'r', amount: 600, at: T0, reason: 'redeem' }).ledger;
    ledger = clawBack(ledger, { key: 'deal:1', at: T0 + DAY, reason: 'deal lost', policy: 'debt' }).ledger;
    expect(balances(ledger, T0 + DAY)).toEqual({ available: 0, pending: 0, debt: 600, net: -600 });
    const next = accrue(ledger, { key: 'deal:2', amount: 1_500, at: T0 + 2 * DAY, expiresAt: T0 + 400 * DAY, reason: 'cashback' });
    expect(next.entries.map((e) => [e.kind, e.amount])).toEqual([['accrual', 1_500], ['debt-settlement', 600]]);
    expect(balances(next.ledger, T0 + 2 * DAY)).toEqual({ available: 900, pending: 0, debt: 0, net: 900 });
  });

  it('under the cap policy only what is left is taken back', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 1_000, T0);
    ledger = spend(ledger, { key: 'r', amount: 600, at: T0, reason: 'redeem' }).ledger;
    const capped = clawBack(ledger, { key: 'deal:1', at: T0 + DAY, reason: 'deal lost', policy: 'cap' });
    expect(capped.entries).toMatchObject([{ kind: 'clawback', amount: 400, debt: 0 }]);
    expect(capped.ledger.debt).toBe(0);
  });

  it('keeps who granted a manual credit and why in the history', () => {
    const { entries } = accrue(emptyLedger(), {
      key: 'bonus:req-1',
      kind: 'manual-credit',
      amount: 50_000,
      at: T0,
      expiresAt: T0 + 90 * DAY,
      reason: 'apology: delivery was two days late',
      author: 'user:12',
    });
    expect(entries[0]).toMatchObject({ kind: 'manual-credit', author: 'user:12', reason: 'apology: delivery was two days late', balanceAfter: 50_000 });
  });

  it('reminds once per lot before it expires', () => {
    const ledger = credit(emptyLedger(), 'deal:1', 100, T0, 30);
    expect(lotsToRemind(ledger, T0 + 22 * DAY, 7 * DAY)).toEqual([]);
    expect(lotsToRemind(ledger, T0 + 23 * DAY, 7 * DAY).map((l) => l.key)).toEqual(['deal:1']);
    const reminded = markReminded(ledger, ['deal:1'], T0 + 23 * DAY);
    expect(lotsToRemind(reminded, T0 + 24 * DAY, 7 * DAY)).toEqual([]);
  });

  it('compaction bounds the state yet still recognises old keys', () => {
    let ledger = credit(emptyLedger(), 'deal:1', 100, T0, 10);
    ledger = spend(ledger, { key: 'r1', amount: 100, at: T0, reason: 'redeem' }).ledger;
    const compacted = compact(ledger, T0 + 400 * DAY, 365 * DAY);
    expect(compacted.lots).toEqual([]);
    expect(compacted.entries).toEqual([]);
    expect(accrue(compacted, { key: 'deal:1', amount: 100, at: T0 + 400 * DAY, expiresAt: T0 + 800 * DAY, reason: 'late repeat' }).status).toBe('duplicate');
    expect(spend(compacted, { key: 'r1', amount: 1, at: T0 + 400 * DAY, reason: 'late repeat' }).status).toBe('duplicate');
  });

  it('rejects malformed requests with a message naming the problem', () => {
    expect(() => accrue(emptyLedger(), { key: 'deal:1', amount: 10.5, at: T0, expiresAt: T0 + DAY, reason: 'x' })).toThrow(
      'accrual: amount must be a positive integer of minor units, got 10.5',
    );
    expect(() => accrue(emptyLedger(), { key: 'deal:1', amount: 10, at: T0, expiresAt: T0, reason: 'x' })).toThrow(
      'accrual deal:1: expiry must be after the lot becomes available',
    );
  });
});
