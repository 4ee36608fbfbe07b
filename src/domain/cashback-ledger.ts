/**
 * Cashback ledger: a customer's bonus account as lots, each with its own expiry, spent soonest-expiring first.
 *
 * Plain JSON state (carried across continue-as-new), pure functions that return a new ledger and never mutate
 * their input. Amounts are positive integer minor units; instants are epoch ms; the caller supplies all times.
 *
 *   accrue      credit a lot (deal cashback or manual credit), idempotent by its key; settles debt first
 *   spend       debit available lots, soonest expiry first (redemption or manual debit), idempotent by its key
 *   expireDue   write off what is left of every lot whose expiry has come
 *   resetAll    write off everything left (the calendar reset)
 *   clawBack    reverse an accrual whose deal was reversed; the already-spent part per `ClawbackPolicy`
 *   balances    available / pending / debt / net at an instant
 *   nextDeadline, lotsToRemind, markReminded, compact
 *
 * Conservation (checked by property tests): for every lot
 *   amount = remaining + spent + expired + clawedBack + settledDebt
 * and debt = Σ debt created by clawbacks − Σ settled; net balance = Σ remaining − debt.
 */

export type LedgerEntryKind =
  | 'accrual'
  | 'manual-credit'
  | 'spend'
  | 'manual-debit'
  | 'expiry'
  | 'reset'
  | 'clawback'
  | 'debt-settlement';

/** `debt`: the spent part of a reversed accrual becomes debt, settled by future accruals. `cap`: only what is left is taken back. */
export type ClawbackPolicy = 'debt' | 'cap';

export interface Lot {
  /** The key of the accrual that created it, e.g. `deal:123` or `bonus:req-9`. */
  key: string;
  amount: number;
  remaining: number;
  spent: number;
  expired: number;
  clawedBack: number;
  /** Used to pay off debt at creation. */
  settledDebt: number;
  accruedAt: number;
  /** Pending until then: counted, not spendable. */
  availableAt: number;
  expiresAt: number;
  reversed: boolean;
  remindedAt: number | null;
}

export interface LotMovement {
  lotKey: string;
  amount: number;
}

export interface LedgerEntry {
  seq: number;
  kind: LedgerEntryKind;
  /** Always positive; the kind says the direction. */
  amount: number;
  at: number;
  /** Idempotency key of the operation (accrual key, redemption key, …). */
  key: string;
  reason: string;
  author: string | null;
  lots: LotMovement[];
  /** Debt this entry created (clawback) or paid (debt-settlement). */
  debt: number;
  /** Net balance (Σ remaining − debt) right after the entry. */
  balanceAfter: number;
}

export interface Ledger {
  lots: Lot[];
  debt: number;
  entries: LedgerEntry[];
  /** Keys of completed operations whose lots are gone; bounded, newest last. */
  retiredKeys: string[];
  nextSeq: number;
}

export interface AccrualRequest {
  key: string;
  amount: number;
  at: number;
  availableAt?: number;
  expiresAt: number;
  reason: string;
  author?: string;
  kind?: 'accrual' | 'manual-credit';
}

export interface SpendRequest {
  key: string;
  amount: number;
  at: number;
  reason: string;
  author?: string;
  kind?: 'spend' | 'manual-debit';
}

export interface ClawbackRequest {
  /** Key of the accrual to reverse. */
  key: string;
  at: number;
  reason: string;
  policy: ClawbackPolicy;
}

export type LedgerOutcome =
  | { status: 'applied'; ledger: Ledger; entries: LedgerEntry[] }
  | { status: 'duplicate'; ledger: Ledger; entries: [] };

export class InsufficientBalanceError extends Error {
  constructor(
    readonly requested: number,
    readonly available: number,
  ) {
    super(`insufficient cashback balance: requested ${requested}, available ${available} (minor units)`);
    this.name = 'InsufficientBalanceError';
  }
}

export class InvalidLedgerRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidLedgerRequestError';
  }
}

/** How many retired keys are kept for de-duplication of late repeats. */
export const RETIRED_KEYS_LIMIT = 1_000;

export function emptyLedger(): Ledger {
  return { lots: [], debt: 0, entries: [], retiredKeys: [], nextSeq: 1 };
}

export function hasProcessed(ledger: Ledger, key: string): boolean {
  return (
    ledger.lots.some((lot) => lot.key === key) ||
    ledger.retiredKeys.includes(key) ||
    ledger.entries.some((entry) => entry.key === key && isKeyedOperation(entry.kind))
  );
}

function isKeyedOperation(kind: LedgerEntryKind): boolean {
  return kind === 'accrual' || kind === 'manual-credit' || kind === 'spend' || kind === 'manual-debit';
}

function requirePositiveAmount(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new InvalidLedgerRequestError(`${what}: amount must be a positive integer of minor units, got ${amount}`);
  }
}

function requireKey(key: string, what: string): void {
  if (key.trim() === '') throw new InvalidLedgerRequestError(`${what}: key must not be empty`);
}

export function netBalance(ledger: Pick<Ledger, 'lots' | 'debt'>): number {
  return ledger.lots.reduce((sum, lot) => sum + lot.remaining, 0) - ledger.debt;
}

function isSpendable(lot: Lot, at: number): boolean {
  return lot.remaining > 0 && lot.availableAt <= at && lot.expiresAt > at;
}

export interface Balances {
  /** Spendable now. */
  available: number;
  /** Accrued but still in the pending period. */
  pending: number;
  debt: number;
  /** Σ remaining − debt. */
  net: number;
}

export function balances(ledger: Ledger, at: number): Balances {
  const live = ledger.lots.filter((lot) => lot.remaining > 0 && lot.expiresAt > at);
  const available = live.filter((lot) => lot.availableAt <= at).reduce((sum, lot) => sum + lot.remaining, 0);
  const pending = live.filter((lot) => lot.availableAt > at).reduce((sum, lot) => sum + lot.remaining, 0);
  return { available, pending, debt: ledger.debt, net: netBalance(ledger) };
}

type EntryDraft = Omit<LedgerEntry, 'seq' | 'balanceAfter'>;

function appendEntry(ledger: Ledger, draft: EntryDraft): { ledger: Ledger; entry: LedgerEntry } {
  const entry: LedgerEntry = { ...draft, seq: ledger.nextSeq, balanceAfter: netBalance(ledger) };
  return { ledger: { ...ledger, entries: [...ledger.entries, entry], nextSeq: ledger.nextSeq + 1 }, entry };
}

/** Soonest expiry first; ties by accrual time, then key, so the order is total and stable. */
function spendOrder(a: Lot, b: Lot): number {
  return a.expiresAt - b.expiresAt || a.accruedAt - b.accruedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

export function accrue(ledger: Ledger, request: AccrualRequest): LedgerOutcome {
  const kind = request.kind ?? 'accrual';
  requireKey(request.key, kind);
  requirePositiveAmount(request.amount, kind);
  const availableAt = request.availableAt ?? request.at;
  if (request.expiresAt <= availableAt) {
    throw new InvalidLedgerRequestError(`${kind} ${request.key}: expiry must be after the lot becomes available`);
  }
  if (hasProcessed(ledger, request.key)) return { status: 'duplicate', ledger, entries: [] };

  const settled = Math.min(ledger.debt, request.amount);
  const lot: Lot = {
    key: request.key,
    amount: request.amount,
    remaining: request.amount - settled,
    spent: 0,
    expired: 0,
    clawedBack: 0,
    settledDebt: settled,
    accruedAt: request.at,
    availableAt,
    expiresAt: request.expiresAt,
    reversed: false,
    remindedAt: null,
  };
  const author = request.author ?? null;
  const credited = appendEntry(
    { ...ledger, lots: [...ledger.lots, { ...lot, remaining: request.amount, settledDebt: 0 }] },
    { kind, amount: request.amount, at: request.at, key: request.key, reason: request.reason, author, lots: [{ lotKey: lot.key, amount: request.amount }], debt: 0 },
  );
  if (settled === 0) return { status: 'applied', ledger: credited.ledger, entries: [credited.entry] };

  const afterSettlement = {
    ...credited.ledger,
    debt: ledger.debt - settled,
    lots: credited.ledger.lots.map((l) => (l.key === lot.key ? lot : l)),
  };
  const settlement = appendEntry(afterSettlement, {
    kind: 'debt-settlement',
    amount: settled,
    at: request.at,
    key: request.key,
    reason: 'outstanding cashback debt paid from the new accrual',
    author: null,
    lots: [{ lotKey: lot.key, amount: settled }],
    debt: settled,
  });
  return { status: 'applied', ledger: settlement.ledger, entries: [credited.entry, settlement.entry] };
}

/** Takes `amount` from the spendable lots, soonest expiry first. Throws when the balance does not cover it. */
export function spend(ledger: Ledger, request: SpendRequest): LedgerOutcome {
  const kind = request.kind ?? 'spend';
  requireKey(request.key, kind);
  requirePositiveAmount(request.amount, kind);
  if (hasProcessed(ledger, request.key)) return { status: 'duplicate', ledger, entries: [] };
  const available = balances(ledger, request.at).available;
  if (request.amount > available) throw new InsufficientBalanceError(request.amount, available);

  let left = request.amount;
  const movements: LotMovement[] = [];
  const taken = new Map<string, number>();
  for (const lot of ledger.lots.filter((l) => isSpendable(l, request.at)).sort(spendOrder)) {
    if (left === 0) break;
    const amount = Math.min(lot.remaining, left);
    taken.set(lot.key, amount);
    movements.push({ lotKey: lot.key, amount });
    left -= amount;
  }
  const lots = ledger.lots.map((lot) => {
    const amount = taken.get(lot.key);
    return amount === undefined ? lot : { ...lot, remaining: lot.remaining - amount, spent: lot.spent + amount };
  });
  const { ledger: next, entry } = appendEntry(
    { ...ledger, lots },
    { kind, amount: request.amount, at: request.at, key: request.key, reason: request.reason, author: request.author ?? null, lots: movements, debt: 0 },
  );
  return { status: 'applied', ledger: next, entries: [entry] };
}

function writeOff(
  ledger: Ledger,
  atOf: (lot: Lot) => number,
  selects: (lot: Lot) => boolean,
  kind: 'expiry' | 'reset',
  reasonFor: (lot: Lot) => string,
): { ledger: Ledger; entries: LedgerEntry[] } {
  let current = ledger;
  const entries: LedgerEntry[] = [];
  for (const lot of ledger.lots.filter((l) => l.remaining > 0 && selects(l)).sort(spendOrder)) {
    const lots = current.lots.map((l) => (l.key === lot.key ? { ...l, remaining: 0, expired: l.expired + l.remaining } : l));
    const appended = appendEntry(
      { ...current, lots },
      { kind, amount: lot.remaining, at: atOf(lot), key: `${kind}:${lot.key}`, reason: reasonFor(lot), author: null, lots: [{ lotKey: lot.key, amount: lot.remaining }], debt: 0 },
    );
    current = appended.ledger;
    entries.push(appended.entry);
  }
  return { ledger: current, entries };
}

/**
 * Writes off what is left of every lot whose expiry is at or before `at`, one entry per lot, dated at the
 * lot's own expiry (the business instant, however late the caller noticed it).
 */
export function expireDue(ledger: Ledger, at: number): { ledger: Ledger; entries: LedgerEntry[] } {
  return writeOff(ledger, (lot) => lot.expiresAt, (lot) => lot.expiresAt <= at, 'expiry', (lot) => `lot ${lot.key} expired`);
}

/**
 * The calendar reset at `at`: everything left on lots accrued before it is written off (a lot accrued after the
 * reset instant, but processed late, belongs to the next period). Debt is owed by the customer and stays.
 */
export function resetAll(ledger: Ledger, at: number, reason: string): { ledger: Ledger; entries: LedgerEntry[] } {
  return writeOff(ledger, () => at, (lot) => lot.accruedAt < at, 'reset', () => reason);
}

/**
 * Reverses the accrual `key`: takes back what is left of its lot and, under the `debt` policy, records the
 * already-spent part as debt. Expired parts are not taken back (the customer never had them). Idempotent.
 */
export function clawBack(ledger: Ledger, request: ClawbackRequest): LedgerOutcome {
  const lot = ledger.lots.find((l) => l.key === request.key);
  if (lot === undefined || lot.reversed) return { status: 'duplicate', ledger, entries: [] };
  const fromLot = lot.remaining;
  const toDebt = request.policy === 'debt' ? lot.spent + lot.settledDebt : 0;
  const reversedLot: Lot = { ...lot, remaining: 0, clawedBack: lot.clawedBack + fromLot, reversed: true };
  const { ledger: next, entry } = appendEntry(
    { ...ledger, debt: ledger.debt + toDebt, lots: ledger.lots.map((l) => (l.key === lot.key ? reversedLot : l)) },
    {
      kind: 'clawback',
      amount: fromLot + toDebt,
      at: request.at,
      key: `clawback:${request.key}`,
      reason: request.reason,
      author: null,
      lots: fromLot > 0 ? [{ lotKey: lot.key, amount: fromLot }] : [],
      debt: toDebt,
    },
  );
  return { status: 'applied', ledger: next, entries: [entry] };
}

/** The earliest future instant at which the ledger changes by itself (a lot expires or becomes available). */
export function nextDeadline(ledger: Ledger, after: number): number | null {
  const instants = ledger.lots
    .filter((lot) => lot.remaining > 0)
    .flatMap((lot) => [lot.expiresAt, lot.availableAt])
    .filter((instant) => instant > after);
  return instants.length === 0 ? null : Math.min(...instants);
}

/** Lots with something left that expire within `withinMs` after `at` and were not reminded of yet. */
export function lotsToRemind(ledger: Ledger, at: number, withinMs: number): Lot[] {
  return ledger.lots.filter(
    (lot) => lot.remaining > 0 && lot.remindedAt === null && lot.expiresAt > at && lot.expiresAt - withinMs <= at,
  );
}

export function markReminded(ledger: Ledger, lotKeys: readonly string[], at: number): Ledger {
  return { ...ledger, lots: ledger.lots.map((lot) => (lotKeys.includes(lot.key) ? { ...lot, remindedAt: at } : lot)) };
}

/** The instant at which `lotsToRemind` will next return something new, for a reminder timer. */
export function nextReminderAt(ledger: Ledger, after: number, withinMs: number): number | null {
  const instants = ledger.lots
    .filter((lot) => lot.remaining > 0 && lot.remindedAt === null && lot.expiresAt > after)
    .map((lot) => Math.max(lot.expiresAt - withinMs, after));
  return instants.length === 0 ? null : Math.min(...instants);
}

/**
 * Keeps state bounded for workflows that live for years: lots that are used up and expired more than
 * `retentionMs` ago are dropped (their keys move to `retiredKeys`, newest `RETIRED_KEYS_LIMIT` kept),
 * and history entries older than `retentionMs` are dropped too. A clawback of a dropped lot is a no-op.
 */
export function compact(ledger: Ledger, at: number, retentionMs: number): Ledger {
  const horizon = at - retentionMs;
  const droppedLots = ledger.lots.filter((lot) => lot.remaining === 0 && lot.expiresAt <= horizon);
  const droppedEntries = ledger.entries.filter((entry) => entry.at <= horizon);
  if (droppedLots.length === 0 && droppedEntries.length === 0) return ledger;
  const droppedLotKeys = new Set(droppedLots.map((lot) => lot.key));
  const retired = [
    ...droppedLotKeys,
    ...droppedEntries.filter((entry) => isKeyedOperation(entry.kind)).map((entry) => entry.key),
  ];
  return {
    ...ledger,
    lots: ledger.lots.filter((lot) => !droppedLotKeys.has(lot.key)),
    entries: ledger.entries.filter((entry) => entry.at > horizon),
    retiredKeys: [...new Set([...ledger.retiredKeys, ...retired])].slice(-RETIRED_KEYS_LIMIT),
  };
}

export type LedgerTotals = Record<LedgerEntryKind, number>;

/** Sum of entry amounts per kind, for reports and for the conservation checks. */
export function totalsByKind(entries: readonly LedgerEntry[]): LedgerTotals {
  const totals: LedgerTotals = {
    accrual: 0,
    'manual-credit': 0,
    spend: 0,
    'manual-debit': 0,
    expiry: 0,
    reset: 0,
    clawback: 0,
    'debt-settlement': 0,
  };
  for (const entry of entries) totals[entry.kind] += entry.amount;
  return totals;
}
