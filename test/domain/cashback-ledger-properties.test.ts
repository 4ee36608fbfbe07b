import fc from 'fast-check';
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
  lifetimeTotals,
  netBalance,
  resetAll,
  returnDebit,
  spend,
  type ClawbackPolicy,
  type Ledger,
  type Lot,
} from '../../src/domain/cashback-ledger';
import { DAY, deepFreeze, expectLedgerInvariants, T0 } from './cashback-ledger.fixture';

const HOUR = 3_600_000;

type Op =
  | { op: 'accrue'; key: number; manual: boolean; amount: number; days: number; hours: number; expiry: number; pending: number }
  | { op: 'spend'; key: number; manual: boolean; amount: number; days: number; hours: number }
  | { op: 'expire'; days: number; hours: number }
  | { op: 'reset'; days: number; hours: number }
  | { op: 'clawback'; key: number; days: number; hours: number; policy: ClawbackPolicy }
  | { op: 'compact'; days: number; hours: number; retentionDays: number }
  | { op: 'return'; key: number; manual: boolean; days: number; hours: number };

const step = { days: fc.nat(40), hours: fc.nat(23) };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('accrue' as const), key: fc.nat(8), manual: fc.boolean(), amount: fc.integer({ min: 1, max: 100_000 }), ...step, expiry: fc.integer({ min: 1, max: 400 }), pending: fc.nat(30) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('spend' as const), key: fc.nat(8), manual: fc.boolean(), amount: fc.integer({ min: 1, max: 150_000 }), ...step }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('expire' as const), ...step }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reset' as const), ...step }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('clawback' as const), key: fc.nat(8), ...step, policy: fc.constantFrom<ClawbackPolicy>('debt', 'cap') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('compact' as const), ...step, retentionDays: fc.nat(60) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('return' as const), key: fc.nat(8), manual: fc.boolean(), ...step }) },
);

/** Spend order, restated independently of the module: soonest expiry, then earliest accrual, then key. */
const bySpendOrder = (a: Lot, b: Lot): number => a.expiresAt - b.expiresAt || a.accruedAt - b.accruedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const spendable = (ledger: Ledger, at: number): Lot[] => ledger.lots.filter((l) => l.remaining > 0 && l.availableAt <= at && l.expiresAt > at).sort(bySpendOrder);
const sumRemaining = (lots: readonly Lot[]): number => lots.reduce((s, l) => s + l.remaining, 0);

interface Run {
  ledger: Ledger;
  now: number;
  /** Keys of credits and debits applied so far: what de-duplication must remember. */
  seen: Set<string>;
}

function applyAccrue(run: Run, o: Extract<Op, { op: 'accrue' }>): Ledger {
  const before = run.ledger;
  const key = o.manual ? `bonus:${o.key}` : `deal:${o.key}`;
  const availableAt = run.now + Math.min(o.pending, o.expiry - 1) * DAY;
  const request = { key, amount: o.amount, at: run.now, availableAt, expiresAt: run.now + o.expiry * DAY, reason: 'credit', ...(o.manual ? { kind: 'manual-credit' as const, author: 'user:1' } : {}) };
  const outcome = accrue(before, request);
  if (run.seen.has(key)) {
    expect(outcome.status).toBe('duplicate');
    expect(outcome.ledger).toBe(before);
    return before;
  }
  run.seen.add(key);
  expect(outcome.status).toBe('applied');
  expect(netBalance(outcome.ledger)).toBe(netBalance(before) + o.amount);
  expect(outcome.entries[0]).toMatchObject({ kind: o.manual ? 'manual-credit' : 'accrual', amount: o.amount, key, author: o.manual ? 'user:1' : null });
  expect(outcome.entries.slice(1).map((e) => e.kind)).toEqual(before.debt > 0 ? ['debt-settlement'] : []);
  return outcome.ledger;
}

function applySpend(run: Run, o: Extract<Op, { op: 'spend' }>): Ledger {
  const before = run.ledger;
  const key = o.manual ? `debit:${o.key}` : `redeem:${o.key}`;
  const request = { key, amount: o.amount, at: run.now, reason: 'debit', ...(o.manual ? { kind: 'manual-debit' as const, author: 'user:2' } : {}) };
  const candidates = spendable(before, run.now);
  if (run.seen.has(key)) {
    const outcome = spend(before, request);
    expect([outcome.status, outcome.ledger]).toEqual(['duplicate', before]);
    return before;
  }
  if (o.amount > sumRemaining(candidates)) {
    expect(() => spend(before, request)).toThrow(InsufficientBalanceError);
    return before;
  }
  run.seen.add(key);
  const outcome = spend(before, request);
  expect(netBalance(outcome.ledger)).toBe(netBalance(before) - o.amount);
  const moved = outcome.entries[0]?.lots ?? [];
  // FIFO: the lots touched are a prefix of the spend order and every one but the last is emptied.
  expect(moved.map((m) => m.lotKey)).toEqual(candidates.slice(0, moved.length).map((l) => l.key));
  moved.slice(0, -1).forEach((m, i) => expect(m.amount).toBe(candidates[i]?.remaining));
  expect(moved.reduce((s, m) => s + m.amount, 0)).toBe(o.amount);
  return outcome.ledger;
}

function applyClawback(run: Run, o: Extract<Op, { op: 'clawback' }>): Ledger {
  const before = run.ledger;
  const key = `deal:${o.key}`;
  const lot = before.lots.find((l) => l.key === key);
  const outcome = clawBack(before, { key, at: run.now, reason: 'deal reversed', policy: o.policy });
  if (lot === undefined || lot.reversed) {
    expect(outcome.status).toBe(lot === undefined ? 'unknown' : 'duplicate');
    expect(outcome.ledger).toBe(before);
    return before;
  }
  const takenBack = o.policy === 'debt' ? lot.amount - lot.expired : lot.remaining;
  expect(netBalance(outcome.ledger)).toBe(netBalance(before) - takenBack);
  expect(outcome.ledger.lots.find((l) => l.key === key)).toMatchObject({ remaining: 0, reversed: true });
  if (o.policy === 'cap') expect(outcome.ledger.debt).toBeLessThanOrEqual(before.debt);
  return outcome.ledger;
}

function applyWriteOff(run: Run, kind: 'expire' | 'reset'): Ledger {
  const before = run.ledger;
  const due = (l: Lot) => (kind === 'expire' ? l.expiresAt <= run.now : l.accruedAt < run.now);
  const { ledger, entries } = kind === 'expire' ? expireDue(before, run.now) : resetAll(before, run.now, 'year-end reset');
  expect(ledger.lots.filter(due).every((l) => l.remaining === 0)).toBe(true);
  expect(netBalance(ledger)).toBe(netBalance(before) - sumRemaining(before.lots.filter(due)));
  if (kind === 'expire') entries.forEach((e) => expect(e.at).toBe(before.lots.find((l) => l.key === e.lots[0]?.lotKey)?.expiresAt));
  return ledger;
}

function applyCompact(run: Run, o: Extract<Op, { op: 'compact' }>): Ledger {
  const before = run.ledger;
  const after = compact(before, run.now, o.retentionDays * DAY);
  expect(balances(after, run.now)).toEqual(balances(before, run.now));
  expect(lifetimeTotals(after)).toEqual(lifetimeTotals(before));
  for (const key of run.seen) expect(hasProcessed(after, key)).toBe(true);
  return after;
}

function applyReturn(run: Run, o: Extract<Op, { op: 'return' }>): Ledger {
  const before = run.ledger;
  const debitKey = o.manual ? `debit:${o.key}` : `redeem:${o.key}`;
  const debit = before.entries.find((e) => e.key === debitKey && (e.kind === 'spend' || e.kind === 'manual-debit'));
  const outcome = returnDebit(before, { debitKey, at: run.now, reason: 'deal lost' });
  if (debit === undefined) {
    expect(outcome).toEqual({ status: 'unknown', ledger: before, entries: [] });
    return before;
  }
  // What comes back is at most what was taken; a lapsed part is written off again, debt is paid first.
  const credited = outcome.entries.filter((e) => e.kind === 'manual-credit');
  expect(credited.reduce((sum, e) => sum + e.amount, 0)).toBeLessThanOrEqual(debit.amount);
  expect(netBalance(outcome.ledger)).toBeGreaterThanOrEqual(netBalance(before));
  expect(netBalance(outcome.ledger) - netBalance(before)).toBeLessThanOrEqual(debit.amount);
  for (const e of credited) run.seen.add(e.key);
  expect(returnDebit(outcome.ledger, { debitKey, at: run.now, reason: 'deal lost again' })).toMatchObject({ status: 'duplicate', entries: [] });
  return outcome.ledger;
}

function applyOp(run: Run, o: Op): Ledger {
  switch (o.op) {
    case 'accrue':
      return applyAccrue(run, o);
    case 'spend':
      return applySpend(run, o);
    case 'clawback':
      return applyClawback(run, o);
    case 'expire':
    case 'reset':
      return applyWriteOff(run, o.op);
    case 'compact':
      return applyCompact(run, o);
    case 'return':
      return applyReturn(run, o);
  }
}

/** Runs operations on a monotonic clock, checking each against an independent model and every invariant. */
function run(ops: readonly Op[]): Run {
  const state: Run = { ledger: emptyLedger(), now: T0, seen: new Set() };
  for (const o of ops) {
    state.now += o.days * DAY + o.hours * HOUR;
    state.ledger = applyOp({ ...state, ledger: deepFreeze(state.ledger) }, o);
    expectLedgerInvariants(state.ledger, state.now);
  }
  return state;
}

describe('cashback ledger invariants (property-based)', () => {
  it('after any sequence of operations: conservation, per-lot accounting, debt, FIFO, never negative, plain JSON, inputs untouched', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => void run(ops)), { numRuns: 400 });
  });

  it('applying the same accrual, spend or clawback twice changes nothing', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), fc.integer({ min: 1, max: 10_000 }), fc.constantFrom<ClawbackPolicy>('debt', 'cap'), (ops, amount, policy) => {
        const { ledger, now } = run(ops);
        const accrual = { key: 'deal:repeat', amount, at: now, expiresAt: now + 30 * DAY, reason: 'cashback' };
        const once = accrue(ledger, accrual).ledger;
        expect(accrue(once, accrual)).toEqual({ status: 'duplicate', ledger: once, entries: [] });
        const redemption = { key: 'redeem:repeat', amount: balances(once, now).available, at: now, reason: 'paid' };
        if (redemption.amount > 0) {
          const spent = spend(once, redemption).ledger;
          expect(spend(spent, redemption)).toEqual({ status: 'duplicate', ledger: spent, entries: [] });
        }
        const reversed = clawBack(once, { key: 'deal:repeat', at: now + DAY, reason: 'lost', policy }).ledger;
        expect(clawBack(reversed, { key: 'deal:repeat', at: now + 2 * DAY, reason: 'lost again', policy })).toEqual({ status: 'duplicate', ledger: reversed, entries: [] });
      }),
      { numRuns: 200 },
    );
  });

  it('a deal won then lost gives back exactly what it gave: under debt the balance ends as if it was never won', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 20 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.record({ fraction: fc.double({ min: 0, max: 1, noNaN: true }), hours: fc.nat(72) }), { maxLength: 5 }),
        fc.constantFrom<ClawbackPolicy>('debt', 'cap'),
        (ops, amount, spends, policy) => {
          const start = run(ops);
          let now = start.now;
          let ledger = accrue(start.ledger, { key: 'deal:won', amount, at: now, expiresAt: now + 365 * DAY, reason: 'cashback' }).ledger;
          let spentMeanwhile = 0;
          spends.forEach((s, i) => {
            now += s.hours * HOUR;
            const take = Math.floor(balances(ledger, now).available * s.fraction);
            if (take === 0) return;
            ledger = spend(ledger, { key: `redeem:meanwhile:${i}`, amount: take, at: now, reason: 'paid' }).ledger;
            spentMeanwhile += take;
          });
          const lot = ledger.lots.find((l) => l.key === 'deal:won') as Lot;
          const lost = clawBack(ledger, { key: 'deal:won', at: now, reason: 'deal lost', policy }).ledger;
          const forgiven = policy === 'cap' ? lot.spent + lot.settledDebt : 0;
          expect(netBalance(lost)).toBe(netBalance(start.ledger) - spentMeanwhile + forgiven);
          expectLedgerInvariants(lost, now);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('spends available lots soonest-expiring first, skipping pending and expired ones', () => {
    const lotArb = fc.record({ amount: fc.integer({ min: 1, max: 5_000 }), accruedHoursAgo: fc.nat(500), pendingHours: fc.nat(100), lifeHours: fc.integer({ min: 1, max: 2_000 }) });
    fc.assert(
      fc.property(fc.array(lotArb, { minLength: 1, maxLength: 10 }), fc.double({ min: 0, max: 1, noNaN: true }), (lots, fraction) => {
        const now = T0 + 1_000 * HOUR;
        let ledger = emptyLedger();
        lots.forEach((l, i) => {
          const at = now - l.accruedHoursAgo * HOUR;
          const availableAt = at + l.pendingHours * HOUR;
          ledger = accrue(ledger, { key: `deal:${i}`, amount: l.amount, at, availableAt, expiresAt: availableAt + l.lifeHours * HOUR, reason: 'cashback' }).ledger;
        });
        const candidates = spendable(ledger, now);
        const amount = Math.floor(sumRemaining(candidates) * fraction);
        fc.pre(amount > 0);
        const moved = spend(ledger, { key: 'redeem', amount, at: now, reason: 'paid' }).entries[0]?.lots ?? [];
        expect(moved.map((m) => m.lotKey)).toEqual(candidates.slice(0, moved.length).map((l) => l.key));
        moved.slice(0, -1).forEach((m, i) => expect(m.amount).toBe(candidates[i]?.remaining));
        expect(moved.at(-1)?.amount).toBeLessThanOrEqual(candidates[moved.length - 1]?.remaining ?? 0);
      }),
      { numRuns: 300 },
    );
  });
});
