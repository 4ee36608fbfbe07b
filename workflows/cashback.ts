import * as wf from '@temporalio/workflow';
import type { CashbackActivities } from '../activities/cashback';
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
  type Balances,
  type ClawbackPolicy,
  type Ledger,
  type LedgerEntry,
  type Lot,
  markReminded,
  nextDeadline,
  processedAmount,
  resetAll,
  returnDebit,
  spend,
} from '../src/domain/cashback-ledger';
import { dueReminder, nextReminderAt } from '../src/domain/cashback-reminders';
import type { LoyaltyNotification } from '../src/domain/notifications';
import { lotExpiry, nextCalendarReset } from '../src/domain/calendar';
import { cashbackAmountFor, type CashbackEarning, lotTimes } from '../src/domain/cashback-rules';
import { emptySpend, foldSpendBefore, recordWonSpend, reverseWonSpend, totalSpent, type SpendRecord } from '../src/domain/cumulative-spend';
import type { CashbackRules, MinorUnits, Programme } from '../src/domain/programme';
import { rulesFingerprint } from '../src/domain/programme-fingerprint';
import { PROJECTION_RETRY_MS, projectSafely } from './crm-projection';
import { bitrix24Activities } from './activity-options';
import { notifyManagerSafely } from './manager-notice';

const DAY_MS = 86_400_000;

/** Runs recorded before it carry on past the calendar reset in the same run. */
export const CONTINUE_AFTER_RESET_PATCH = 'cashback-continue-after-reset';

export interface CashbackPolicy {
  /** IANA zone of the portal: expiry days and the reset are local calendar days. */
  timeZone: string;
  expiryDays: number;
  pendingDays: number;
  /** Everything left expires at the end of this local day every year; null for no reset. */
  reset: { month: number; day: number } | null;
  clawback: ClawbackPolicy;
  /** How long used-up lots and old history are kept in workflow state. */
  retentionDays: number;
  /** Remind the manager this many local days before cashback is lost; null (or absent in older inputs) for none. */
  reminderDaysBeforeExpiry?: number | null;
}

export interface CashbackInput {
  portal: string;
  contactId: number;
  /** The policy as of the start; `programmeChangedSignal` replaces it, and the replacement is carried on. */
  policy: CashbackPolicy;
  /** Carried across continue-as-new. */
  ledger?: Ledger;
  /** What the customer spent on won deals; carried across continue-as-new, absent in runs from before it was kept. */
  spend?: SpendRecord;
}

export interface DealWon {
  dealId: number;
  /** Worked out from the deal alone; the account recomputes it when `earning` is given. */
  cashbackMinor: number;
  wonAt: number;
  reason: string;
  /**
   * The deal's amount and the earning rules at the win: the account counts the spend and, for tiers by cumulative
   * spend, earns by what the customer spent before this deal — which only the account knows. Absent in older messages.
   */
  earning?: { dealAmountMinor: MinorUnits; rules: CashbackEarning };
}

export interface DealReversed {
  dealId: number;
  at: number;
  reason: string;
}

export interface Redemption {
  /** Idempotency key, e.g. `deal:42:redeem`. */
  key: string;
  amountMinor: number;
  reason: string;
}

export interface ManualCredit {
  /** Idempotency key, e.g. `bonus:<request id>`. */
  key: string;
  amountMinor: number;
  reason: string;
  author: string;
}

export interface CreditOutcome {
  /** False when the key had been credited before: nothing changed. */
  credited: boolean;
  balances: Balances;
}

export interface RedemptionOutcome {
  /** False when this key had been redeemed before: nothing was debited again. */
  applied: boolean;
  balances: Balances;
}

export interface CashbackView {
  balances: Balances;
  /** Won deals' total counted for tiers by cumulative spend (minor units). */
  spentMinor: MinorUnits;
  lots: Lot[];
  history: LedgerEntry[];
}

export const dealWonSignal = wf.defineSignal<[DealWon]>('dealWon');
export const dealReversedSignal = wf.defineSignal<[DealReversed]>('dealReversed');

/** A credited lot to take back by its ledger key (e.g. a referral reward whose qualifying deal was reversed). */
export interface CreditTakeBack {
  key: string;
  at: number;
  reason: string;
}
/** Under the account's clawback policy, like a reversed deal; an unknown or already reversed key changes nothing. */
export const creditTakenBackSignal = wf.defineSignal<[CreditTakeBack]>('creditTakenBack');
export const redeemUpdate = wf.defineUpdate<RedemptionOutcome, [Redemption]>('redeem');

/** A redemption to give back (its deal was lost, deleted or re-planned), by the key it was redeemed with. */
export interface RedemptionReturn {
  key: string;
  reason: string;
  author: string;
}
export interface RedemptionReturnOutcome {
  /** False when it had been given back before, or no such redemption is held. */
  returned: boolean;
  balances: Balances;
}
/** Gives a redemption back onto the lots it was taken from, with their expiry and reset terms (`returnDebit`). */
export const returnRedemptionUpdate = wf.defineUpdate<RedemptionReturnOutcome, [RedemptionReturn]>('returnRedemption');
export const creditUpdate = wf.defineUpdate<CreditOutcome, [ManualCredit]>('credit');
export const cashbackQuery = wf.defineQuery<CashbackView>('cashback');

/**
 * The rules changed (a programme rollout): new lots, the next yearly reset, reminders and clawbacks follow the new
 * policy. Lots already accrued keep the expiry they were booked with: a customer never loses cashback earlier than
 * they were told. The same rules again change nothing.
 */
export const programmeChangedSignal = wf.defineSignal<[Programme]>('programmeChanged');

export interface CashbackRulesView {
  policy: CashbackPolicy;
  /** End of the next calendar reset (epoch ms), or null without one. */
  nextResetAt: number | null;
}
export const cashbackRulesQuery = wf.defineQuery<CashbackRulesView>('cashbackRules');

const RETENTION_DAYS = 400;

/** The workflow's policy from the programme's cashback rules. */
export function cashbackPolicyOf(rules: CashbackRules, timeZone: string): CashbackPolicy {
  return {
    timeZone,
    expiryDays: rules.lotExpiryDays,
    pendingDays: rules.pendingDays,
    reset: rules.reset,
    clawback: rules.clawback,
    retentionDays: Math.max(RETENTION_DAYS, rules.lotExpiryDays + rules.pendingDays + 35),
    reminderDaysBeforeExpiry: rules.reminderDaysBeforeExpiry,
  };
}

const crm = bitrix24Activities<CashbackActivities>();

type Command = { kind: 'won'; won: DealWon } | { kind: 'reversed'; reversed: DealReversed } | { kind: 'takeBack'; takeBack: CreditTakeBack };

/** A deal booked late (reconciler, backfill) still falls under a reset that came between its win and its booking. */
const MISSED_RESET_PATCH = 'cashback-missed-reset';

/** One workflow per contact: the cashback account, its lots and the timers that expire them. */
export async function cashback(input: CashbackInput): Promise<void> {
  let ledger = input.ledger ?? emptyLedger();
  let spending = input.spend ?? emptySpend();
  let policy = input.policy;
  /** Set by a rules change: the main loop then works out the next reset under the new policy. */
  let policyChanged = false;
  const inbox: Command[] = [];
  let projected: number | null = null;
  let projectionRetryAt: number | null = null;
  /** Notices waiting for the main loop, which sends them in order after the ledger has changed. */
  const notices: LoyaltyNotification[] = [];
  const now = (): number => Date.now();

  wf.setHandler(dealWonSignal, (won) => void inbox.push({ kind: 'won', won }));
  wf.setHandler(dealReversedSignal, (reversed) => void inbox.push({ kind: 'reversed', reversed }));
  wf.setHandler(creditTakenBackSignal, (takeBack) => void inbox.push({ kind: 'takeBack', takeBack }));
  wf.setHandler(cashbackQuery, () => ({ balances: balances(ledger, now()), spentMinor: totalSpent(spending), lots: ledger.lots, history: ledger.entries }));
  wf.setHandler(programmeChangedSignal, (programme) => {
    const next = cashbackPolicyOf(programme.cashback, programme.timeZone);
    if (rulesFingerprint(next) === rulesFingerprint(policy)) return;
    policy = next;
    policyChanged = true;
  });
  wf.setHandler(cashbackRulesQuery, () => ({ policy, nextResetAt: resetAt }));
  wf.setHandler(
    redeemUpdate,
    (redemption) => {
      const outcome = asFailure(() =>
        spend(ledger, { key: redemptionKey(redemption.key), amount: redemption.amountMinor, at: now(), reason: redemption.reason }),
      );
      ledger = outcome.ledger;
      return { applied: outcome.status === 'applied', balances: balances(ledger, now()) };
    },
    {
      validator: (redemption) => {
        requireText(redemption.key, 'redemption key');
        requireText(redemption.reason, 'redemption reason');
        requirePositiveMinor(redemption.amountMinor, 'redemption amount');
        // A repeated request is answered, not refused, even when the balance no longer covers it; the same key for
        // another amount is a caller that lost track of what it redeemed, and must not be told it got the new amount.
        const key = redemptionKey(redemption.key);
        const earlier = processedAmount(ledger, key);
        if (earlier !== undefined && earlier !== redemption.amountMinor) {
          throw new InvalidLedgerRequestError(`redemption ${redemption.key} was already made for ${earlier}, not ${redemption.amountMinor} (minor units)`);
        }
        if (hasProcessed(ledger, key)) return;
        const available = balances(ledger, now()).available;
        if (redemption.amountMinor > available) throw new InsufficientBalanceError(redemption.amountMinor, available);
      },
    },
  );
  wf.setHandler(
    returnRedemptionUpdate,
    ({ key, reason, author }) => {
      const outcome = asFailure(() => returnDebit(ledger, { debitKey: redemptionKey(key), at: now(), reason, author, resetSince: dueResetAfter }));
      ledger = outcome.ledger;
      return { returned: outcome.status === 'applied', balances: balances(ledger, now()) };
    },
    {
      validator: ({ key, reason, author }) => {
        requireText(key, 'redemption key');
        requireText(reason, 'return reason');
        requireText(author, 'return author');
      },
    },
  );
  wf.setHandler(
    creditUpdate,
    (credit) => {
      const outcome = asFailure(() =>
        accrue(ledger, {
          kind: 'manual-credit',
          key: credit.key,
          amount: credit.amountMinor,
          at: now(),
          expiresAt: lotExpiry(now(), policy.expiryDays, policy.timeZone),
          reason: credit.reason,
          author: credit.author,
        }),
      );
      ledger = outcome.ledger;
      return { credited: outcome.status === 'applied', balances: balances(ledger, now()) };
    },
    {
      validator: (credit) => {
        requireText(credit.key, 'credit key');
        requireText(credit.reason, 'credit reason');
        requireText(credit.author, 'credit author');
        requirePositiveMinor(credit.amountMinor, 'credit amount');
      },
    },
  );

  /** The CRM mirrors the net balance; one writer (the main loop), so an older value never lands last. */
  async function project(): Promise<void> {
    const balanceMinor = balances(ledger, now()).net;
    if (balanceMinor === projected) return;
    const written = await projectSafely(() => crm.projectCashbackBalance({ portal: input.portal, contactId: input.contactId, balanceMinor }));
    projected = written ? balanceMinor : projected;
    projectionRetryAt = written ? null : now() + PROJECTION_RETRY_MS;
  }

  function apply(command: Command): void {
    try {
      if (command.kind === 'won') applyWon(command.won);
      else if (command.kind === 'reversed') applyReversed(command.reversed);
      else takeBack(command.takeBack);
    } catch (error) {
      // A malformed message must not wedge the account: it is logged and dropped, the ledger unchanged.
      if (!(error instanceof InvalidLedgerRequestError)) throw error;
      wf.log.warn('cashback message rejected', { kind: command.kind, problem: error.message });
    }
  }

  function applyWon(won: DealWon): void {
    if (activeDealLot(ledger, won.dealId)) return;
    const amountMinor = earnedOn(won);
    if (amountMinor === 0) return;
    const { timeZone, pendingDays, expiryDays } = policy;
    const { availableAt, expiresAt } = lotTimes(won.wonAt, { pendingDays, lotExpiryDays: expiryDays }, timeZone);
    const lotKey = nextDealLotKey(ledger, won.dealId);
    const outcome = accrue(ledger, { key: lotKey, amount: amountMinor, at: won.wonAt, availableAt, expiresAt, reason: won.reason });
    ledger = outcome.ledger;
    if (outcome.status === 'applied') {
      resetIfMissed(won.wonAt);
      notices.push({ kind: 'cashbackAccrued', contactId: input.contactId, dealId: won.dealId, lotKey, amountMinor, availableAt, expiresAt });
    }
  }

  /** Counts the deal's spend (once) and answers what it earns, tiered by the spend before it where the rules say so. */
  function earnedOn(won: DealWon): MinorUnits {
    if (won.earning === undefined) return won.cashbackMinor;
    const spentBefore = totalSpent(spending);
    spending = recordWonSpend(spending, { dealId: won.dealId, amountMinor: won.earning.dealAmountMinor, wonAt: won.wonAt });
    return cashbackAmountFor(won.earning.dealAmountMinor, spentBefore, won.earning.rules);
  }

  const reminderPolicy = () => {
    const daysBefore = policy.reminderDaysBeforeExpiry ?? null;
    return daysBefore === null ? null : { daysBefore, timeZone: policy.timeZone, resetAt };
  };

  /** Marks the lots reminded before telling anyone, so a lot is reminded of once even if the notice is lost. */
  function queueDueReminder(): void {
    const reminders = reminderPolicy();
    const reminder = reminders && dueReminder(ledger, now(), reminders);
    if (!reminder) return;
    ledger = markReminded(ledger, reminder.lotKeys, now());
    notices.push({ kind: 'cashbackExpiring', contactId: input.contactId, ...reminder });
  }

  async function sendNotices(): Promise<void> {
    while (notices.length > 0) await notifyManagerSafely(input.portal, notices.shift()!);
  }

  function applyReversed(reversed: DealReversed): void {
    spending = reverseWonSpend(spending, reversed.dealId);
    const lot = activeDealLot(ledger, reversed.dealId);
    if (lot) ledger = clawBack(ledger, { key: lot.key, at: reversed.at, reason: reversed.reason, policy: policy.clawback }).ledger;
  }

  function resetIfMissed(wonAt: number): void {
    const resetAfterWin = dueResetAfter(wonAt);
    if (resetAfterWin === null || !wf.patched(MISSED_RESET_PATCH)) return;
    ledger = resetAll(ledger, resetAfterWin, 'calendar reset: the deal was won before it and booked after it').ledger;
  }

  function takeBack({ key, at, reason }: CreditTakeBack): void {
    ledger = clawBack(ledger, { key, at, reason, policy: policy.clawback }).ledger;
  }

  function nextResetAfter(instant: number): number | null {
    const { reset, timeZone } = policy;
    return reset ? nextCalendarReset({ ...reset, timeZone }, instant) : null;
  }

  /** The first reset after `instant`, if it has come by now. */
  function dueResetAfter(instant: number): number | null {
    const reset = nextResetAfter(instant);
    return reset !== null && reset <= now() ? reset : null;
  }

  let resetAt = nextResetAfter(now());
  const nextReminder = (): number | null => {
    const reminders = reminderPolicy();
    return reminders && nextReminderAt(ledger, now(), reminders);
  };
  const needsProjection = (): boolean => projectionRetryAt === null && balances(ledger, now()).net !== projected;
  const wakeUp = (): boolean => inbox.length > 0 || policyChanged || needsProjection() || wf.workflowInfo().continueAsNewSuggested;
  /** The year's history is closed by the reset: a fresh run starts from the compacted ledger, keeping histories short. */
  let yearClosed = false;
  for (;;) {
    const deadline = earliest(nextDeadline(ledger, now()), resetAt, projectionRetryAt, nextReminder());
    if (deadline === null) await wf.condition(wakeUp);
    else await wf.condition(wakeUp, Math.max(deadline - now(), 1));

    while (inbox.length > 0) apply(inbox.shift()!);
    ledger = expireDue(ledger, now()).ledger;
    if (resetAt !== null && now() >= resetAt) {
      ledger = resetAll(ledger, resetAt, 'calendar reset: unused cashback expires at the end of the year').ledger;
      resetAt = nextResetAfter(now());
      yearClosed = wf.patched(CONTINUE_AFTER_RESET_PATCH);
    }
    // After a reset that was due under the old policy, so a rules change never skips it.
    if (policyChanged) {
      resetAt = nextResetAfter(now());
      policyChanged = false;
    }
    if (projectionRetryAt !== null && now() >= projectionRetryAt) projectionRetryAt = null;
    if (projectionRetryAt === null) await project();
    queueDueReminder();
    await sendNotices();

    if (yearClosed || wf.workflowInfo().continueAsNewSuggested) {
      await wf.condition(wf.allHandlersFinished);
      if (inbox.length > 0) continue;
      const retentionMs = policy.retentionDays * DAY_MS;
      await wf.continueAsNew<typeof cashback>({ ...input, policy, ledger: compact(ledger, now(), retentionMs), spend: foldSpendBefore(spending, now() - retentionMs) });
    }
  }
}

/** Redemptions get their own key space, so a caller's key can never collide with an accrual's. */
function redemptionKey(key: string): string {
  return `redeem:${key}`;
}

function requireText(value: string, what: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${what} must not be empty`);
}

function requirePositiveMinor(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${what} must be a positive integer of minor units, got ${value}`);
}

/** Domain refusals inside an update handler become failures of that update, never of the workflow task. */
function asFailure<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof InvalidLedgerRequestError || error instanceof InsufficientBalanceError) {
      throw wf.ApplicationFailure.nonRetryable(error.message, error.name);
    }
    throw error;
  }
}

/** A deal won, lost and won again earns again: each win is its own lot, `deal:7`, then `deal:7#2`, …. */
function dealLots(ledger: Ledger, dealId: number): Lot[] {
  const key = `deal:${dealId}`;
  return ledger.lots.filter((lot) => lot.key === key || lot.key.startsWith(`${key}#`));
}

function activeDealLot(ledger: Ledger, dealId: number): Lot | undefined {
  return dealLots(ledger, dealId).find((lot) => !lot.reversed);
}

function nextDealLotKey(ledger: Ledger, dealId: number): string {
  const key = `deal:${dealId}`;
  const retired = ledger.retiredKeys.filter((k) => k === key || k.startsWith(`${key}#`)).length;
  const wins = dealLots(ledger, dealId).length + retired;
  return wins === 0 ? `deal:${dealId}` : `deal:${dealId}#${wins + 1}`;
}

function earliest(...instants: (number | null)[]): number | null {
  const defined = instants.filter((instant): instant is number => instant !== null);
  return defined.length === 0 ? null : Math.min(...defined);
}
