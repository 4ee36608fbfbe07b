/**
 * Replays a described customer history (referral links, deals won and lost, bonuses) through the programme and
 * reports what each programme grants and why: referral qualifications and tiers, cashback lots with expiry and
 * the yearly reset, purchase counts, birthday and other discounts per deal, bonuses. Pure: same input, same output.
 */
import { checkBonusRequest, type BonusRequest } from './bonuses';
import { isInBirthdayWindow, localDate, nextCalendarReset } from './calendar';
import { accrue, balances, clawBack, emptyLedger, expireDue, nextDeadline, resetAll, type Ledger, type LedgerEntry } from './cashback-ledger';
import { cashbackAmountFor, cashbackPercentFor, lotTimes } from './cashback-rules';
import { contactDiscounts, type ContactDiscounts } from './discounts';
import { allocateProportionally, formatAmount } from './money';
import { earnsIn, formatPercent, pipelineName, type MinorUnits, type PipelineId, type Programme } from './programme';
import { countPurchase, emptyPurchaseCountState, purchaseCount, purchaseCountPercent, reversePurchase, type PurchaseCountState } from './purchase-count';
import { contactReferralDiscount, emptyReferralState, linkReferral, qualifyReferral, referrerDiscount, reverseQualification, type ReferralDecision, type ReferralState } from './referral';

export interface HistoryContact {
  id: string;
  name: string;
  /** `YYYY-MM-DD`, or null when unknown. */
  birthdate: string | null;
  groups: string[];
}

export type HistoryEvent =
  | { kind: 'referral'; at: number; referrerId: string; referredId: string }
  | { kind: 'won'; at: number; dealId: string; pipelineId: PipelineId; amountMinor: MinorUnits; contactIds: string[] }
  | { kind: 'lost'; at: number; dealId: string }
  | { kind: 'bonus'; at: number; bonus: BonusRequest };

export interface CustomerHistory {
  contacts: HistoryContact[];
  /** In any order; replayed by time, ties in the given order. */
  events: HistoryEvent[];
  /** The instant the final summary describes (expiry and resets up to it are applied). */
  asOf: number;
}

export type SimulationArea = 'referral' | 'cashback' | 'purchase-count' | 'discount' | 'bonus';

export interface SimulationLine {
  at: number;
  contactId: string;
  area: SimulationArea;
  change: string;
  reason: string;
}

export interface ContactSummary {
  contactId: string;
  name: string;
  qualifiedReferrals: number;
  referralPercent: number;
  purchases: number;
  purchaseCountPercent: number;
  cashbackAvailableMinor: MinorUnits;
  cashbackPendingMinor: MinorUnits;
  cashbackDebtMinor: MinorUnits;
  birthdayWindowActive: boolean;
}

export interface DealDiscountReport {
  dealId: string;
  at: number;
  contacts: ContactDiscounts[];
}

export interface SimulationResult {
  lines: SimulationLine[];
  deals: DealDiscountReport[];
  contacts: ContactSummary[];
  /** Every ledger entry per contact, for auditing the arithmetic. */
  ledgers: Record<string, LedgerEntry[]>;
}

interface WonShare {
  contactId: string;
  amountMinor: MinorUnits;
}

interface SimulationState {
  referral: ReferralState;
  purchases: Record<string, PurchaseCountState>;
  ledgers: Record<string, Ledger>;
  spendMinor: Record<string, MinorUnits>;
  /** Contact id → `YYYY-MM-DD:groupId` (local day) → group discount granted that day. */
  groupGranted: Record<string, Record<string, MinorUnits>>;
  /** Won, not reversed, deals: each contact's share of them (for discounts), the payer and the amount they paid. */
  wonDeals: Record<string, { pipelineId: PipelineId; shares: WonShare[]; payer: string; amountMinor: MinorUnits }>;
  cursor: number;
  lines: SimulationLine[];
  deals: DealDiscountReport[];
}

export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationError';
  }
}

function money(programme: Programme, amountMinor: MinorUnits): string {
  return `${formatAmount(amountMinor, programme.currencyExponent)} ${programme.currency}`;
}

function ledgerOf(state: SimulationState, contactId: string): Ledger {
  return state.ledgers[contactId] ?? emptyLedger();
}

function describeEntry(programme: Programme, entry: LedgerEntry): string {
  const sign = ['accrual', 'manual-credit'].includes(entry.kind) ? '+' : '−';
  return `${entry.kind} ${sign}${money(programme, entry.amount)}, balance ${money(programme, entry.balanceAfter)}`;
}

function recordEntries(state: SimulationState, programme: Programme, contactId: string, entries: readonly LedgerEntry[], area: SimulationArea = 'cashback'): void {
  for (const entry of entries) state.lines.push({ at: entry.at, contactId, area, change: describeEntry(programme, entry), reason: entry.reason });
}

/** Applies lot expiries and calendar resets of every ledger up to `to`, in time order. */
function advanceTo(state: SimulationState, programme: Programme, to: number): void {
  const reset = programme.cashback.reset;
  for (const contactId of Object.keys(state.ledgers)) {
    let ledger = ledgerOf(state, contactId);
    let cursor = state.cursor;
    for (;;) {
      const deadline = nextDeadline(ledger, cursor);
      const resetAt = reset === null ? null : nextCalendarReset({ ...reset, timeZone: programme.timeZone }, cursor);
      const next = Math.min(deadline ?? Infinity, resetAt ?? Infinity);
      if (next > to) break;
      const expired = expireDue(ledger, next);
      const resetStep = next === resetAt ? resetAll(expired.ledger, next, `calendar reset: the balance left expires at the end of ${reset?.day}/${reset?.month}`) : { ledger: expired.ledger, entries: [] };
      recordEntries(state, programme, contactId, [...expired.entries, ...resetStep.entries]);
      ledger = resetStep.ledger;
      cursor = next;
    }
    state.ledgers[contactId] = ledger;
  }
  state.cursor = Math.max(state.cursor, to);
}

function credit(state: SimulationState, programme: Programme, contactId: string, key: string, amountMinor: MinorUnits, at: number, reason: string, kind: 'accrual' | 'manual-credit' = 'accrual'): void {
  if (amountMinor <= 0) return;
  const outcome = accrue(ledgerOf(state, contactId), { key, amount: amountMinor, at, reason, kind, ...lotTimes(at, programme.cashback, programme.timeZone) });
  state.ledgers[contactId] = outcome.ledger;
  recordEntries(state, programme, contactId, outcome.entries, kind === 'manual-credit' ? 'bonus' : 'cashback');
}

function takeBack(state: SimulationState, programme: Programme, contactId: string, key: string, at: number, reason: string): void {
  const ledger = state.ledgers[contactId];
  if (ledger === undefined) return;
  const outcome = clawBack(ledger, { key, at, reason, policy: programme.cashback.clawback });
  state.ledgers[contactId] = outcome.ledger;
  recordEntries(state, programme, contactId, outcome.entries);
}

function referralLine(state: SimulationState, decision: ReferralDecision, contactId: string, change: string): void {
  state.lines.push({ at: decision.at, contactId, area: 'referral', change, reason: decision.reason });
}

function applyReferralDecision(state: SimulationState, programme: Programme, decision: ReferralDecision): void {
  switch (decision.kind) {
    case 'linked':
    case 'link-rejected':
      referralLine(state, decision, decision.referrerId, decision.kind === 'linked' ? `referred ${decision.referredId}` : `rejected: ${decision.rejection}`);
      return;
    case 'not-qualified':
      if (decision.notQualified !== 'not-referred') referralLine(state, decision, decision.referredId, `not qualified: ${decision.notQualified}`);
      return;
    case 'qualified':
      referralLine(state, decision, decision.referrerId, `referral discount ${formatPercent(decision.referrerPercentBefore)} → ${formatPercent(decision.referrerPercentAfter)}`);
      for (const reward of decision.credits) {
        const reason = reward.reward === 'welcome' ? `welcome reward for joining through referrer ${decision.referrerId}` : `second-level reward: ${decision.referredId} qualified for ${decision.referrerId}`;
        credit(state, programme, reward.contactId, reward.key, reward.amountMinor, decision.at, reason);
      }
      if (decision.welcome?.kind === 'discount') {
        referralLine(state, decision, decision.referredId, `welcome discount ${formatPercent(decision.welcome.percent)} on the first deal`);
      }
      return;
    case 'reversed':
      referralLine(state, decision, decision.referrerId, `referral discount ${formatPercent(decision.referrerPercentBefore)} → ${formatPercent(decision.referrerPercentAfter)}`);
      return;
    case 'reversal-ignored':
      return;
  }
}

function birthdayActive(programme: Programme, contact: HistoryContact | undefined, at: number): boolean {
  if (!programme.birthday.enabled || contact === undefined || contact.birthdate === null) return false;
  const { daysBefore, daysAfter, feb29 } = programme.birthday;
  return isInBirthdayWindow({ birthdate: contact.birthdate, daysBefore, daysAfter, feb29, timeZone: programme.timeZone }, at);
}

function isCustomer(state: SimulationState, contactId: string): boolean {
  return Object.values(state.wonDeals).some((deal) => deal.shares.some((share) => share.contactId === contactId));
}

function discountsAtWin(state: SimulationState, programme: Programme, history: CustomerHistory, event: Extract<HistoryEvent, { kind: 'won' }>, shares: WonShare[]): void {
  const stageId = programme.applicability.find((row) => row.pipelineId === event.pipelineId)?.discountStages[0] ?? 'NEW';
  const day = localDate(event.at, programme.timeZone);
  const contacts = shares.map((share) => {
    const contact = history.contacts.find((c) => c.id === share.contactId);
    const granted = state.groupGranted[share.contactId] ?? {};
    const result = contactDiscounts(programme, { pipelineId: event.pipelineId, stageId }, {
      contactId: share.contactId,
      amountMinor: share.amountMinor,
      referralPercent: contactReferralDiscount(state.referral, share.contactId, programme).percent,
      purchaseCount: purchaseCount(state.purchases[share.contactId] ?? emptyPurchaseCountState()),
      birthdayWindowActive: birthdayActive(programme, contact, event.at),
      groupIds: contact?.groups ?? [],
      groupGrantedTodayMinor: Object.fromEntries((contact?.groups ?? []).map((groupId) => [groupId, granted[`${day}:${groupId}`] ?? 0])),
      cashbackToRedeemMinor: 0,
    });
    if (result.groupGranted !== null) {
      const key = `${day}:${result.groupGranted.groupId}`;
      state.groupGranted[share.contactId] = { ...granted, [key]: (granted[key] ?? 0) + result.groupGranted.amountMinor };
    }
    return result;
  });
  state.deals.push({ dealId: event.dealId, at: event.at, contacts });
  for (const result of contacts) {
    state.lines.push({ at: event.at, contactId: result.contactId, area: 'discount', change: `deal ${event.dealId}: ${formatPercent(result.discountPercent)}`, reason: result.statusLine });
  }
}

/**
 * As the engine books a win: every contact gets their discounts on an equal share, counts a purchase and forwards the
 * whole deal to their referrer; the payer (the deal's first contact) earns cashback on the whole deal and adds it to
 * their spend.
 */
function onWon(state: SimulationState, programme: Programme, history: CustomerHistory, event: Extract<HistoryEvent, { kind: 'won' }>): void {
  if (state.wonDeals[event.dealId] !== undefined) return;
  const [payer] = event.contactIds;
  if (payer === undefined) throw new SimulationError(`deal ${event.dealId}: needs at least one contact`);
  const parts = allocateProportionally(event.amountMinor, event.contactIds.map(() => 1));
  const shares = event.contactIds.map((contactId, i) => ({ contactId, amountMinor: parts[i] ?? 0 }));
  discountsAtWin(state, programme, history, event, shares);
  const firstDeal = new Map(event.contactIds.map((contactId) => [contactId, !isCustomer(state, contactId)]));
  earnCashback(state, programme, event, payer);
  for (const contactId of event.contactIds) {
    if (contactId !== payer) state.lines.push({ at: event.at, contactId, area: 'cashback', change: 'none', reason: `the payer, contact ${payer}, earns the deal's cashback` });
    const counted = countPurchase(state.purchases[contactId] ?? emptyPurchaseCountState(), { dealId: event.dealId, pipelineId: event.pipelineId, wonAt: event.at }, programme);
    state.purchases[contactId] = counted.state;
    state.lines.push({ at: event.at, contactId, area: 'purchase-count', change: counted.decision.kind, reason: counted.decision.reason });
    const deal = { dealId: event.dealId, contactId, pipelineId: event.pipelineId, amountMinor: event.amountMinor, wonAt: event.at, isFirstWonDeal: firstDeal.get(contactId) ?? true };
    const qualified = qualifyReferral(state.referral, deal, programme);
    state.referral = qualified.state;
    applyReferralDecision(state, programme, qualified.decision);
  }
  state.wonDeals[event.dealId] = { pipelineId: event.pipelineId, shares, payer, amountMinor: event.amountMinor };
}

function earnCashback(state: SimulationState, programme: Programme, event: Extract<HistoryEvent, { kind: 'won' }>, payer: string): void {
  if (!earnsIn(programme, 'cashback', event.pipelineId)) {
    state.lines.push({ at: event.at, contactId: payer, area: 'cashback', change: 'none', reason: `no cashback in pipeline ${pipelineName(programme, event.pipelineId)}` });
    return;
  }
  const spentBefore = state.spendMinor[payer] ?? 0;
  const percent = cashbackPercentFor(event.amountMinor, spentBefore, programme.cashback);
  const reason = `${formatPercent(percent)} cashback on deal ${event.dealId} (${money(programme, event.amountMinor)})`;
  credit(state, programme, payer, `deal:${event.dealId}`, cashbackAmountFor(event.amountMinor, spentBefore, programme.cashback), event.at, reason);
  state.spendMinor[payer] = spentBefore + event.amountMinor;
}

/** A won deal reversed (lost, reopened): each programme gives back exactly what the deal gave. */
function onLost(state: SimulationState, programme: Programme, event: Extract<HistoryEvent, { kind: 'lost' }>): void {
  const deal = state.wonDeals[event.dealId];
  if (deal === undefined) return;
  const reason = `deal ${event.dealId} was reversed`;
  takeBack(state, programme, deal.payer, `deal:${event.dealId}`, event.at, reason);
  if (earnsIn(programme, 'cashback', deal.pipelineId)) state.spendMinor[deal.payer] = (state.spendMinor[deal.payer] ?? 0) - deal.amountMinor;
  for (const { contactId } of deal.shares) {
    const uncounted = reversePurchase(state.purchases[contactId] ?? emptyPurchaseCountState(), event.dealId, programme);
    state.purchases[contactId] = uncounted.state;
    if (uncounted.decision.kind === 'uncounted') state.lines.push({ at: event.at, contactId, area: 'purchase-count', change: 'uncounted', reason: uncounted.decision.reason });
  }
  const reversed = reverseQualification(state.referral, event.dealId, event.at, programme);
  state.referral = reversed.state;
  applyReferralDecision(state, programme, reversed.decision);
  if (reversed.decision.kind === 'reversed') {
    for (const reward of reversed.decision.takeBack) takeBack(state, programme, reward.contactId, reward.key, event.at, reason);
  }
  delete state.wonDeals[event.dealId];
}

function onBonus(state: SimulationState, programme: Programme, at: number, bonus: BonusRequest, index: number): void {
  const check = checkBonusRequest(bonus, programme);
  if (!check.valid) {
    state.lines.push({ at, contactId: bonus.contactId, area: 'bonus', change: `${bonus.kind} bonus rejected`, reason: check.errors.join('; ') });
    return;
  }
  credit(state, programme, bonus.contactId, `bonus:${index}`, check.amountMinor, at, `${bonus.kind} bonus by user ${bonus.grantedBy}: ${bonus.reason}`, 'manual-credit');
}

function summary(state: SimulationState, programme: Programme, contact: HistoryContact, at: number): ContactSummary {
  const referral = referrerDiscount(state.referral, contact.id, programme);
  const purchases = state.purchases[contact.id] ?? emptyPurchaseCountState();
  const balance = balances(ledgerOf(state, contact.id), at);
  return {
    contactId: contact.id,
    name: contact.name,
    qualifiedReferrals: referral.qualifiedCount,
    referralPercent: referral.percent,
    purchases: purchaseCount(purchases),
    purchaseCountPercent: purchaseCountPercent(purchases, programme),
    cashbackAvailableMinor: balance.available,
    cashbackPendingMinor: balance.pending,
    cashbackDebtMinor: balance.debt,
    birthdayWindowActive: birthdayActive(programme, contact, at),
  };
}

export function simulate(programme: Programme, history: CustomerHistory): SimulationResult {
  const ordered = history.events.map((event, index) => ({ event, index })).sort((a, b) => a.event.at - b.event.at || a.index - b.index);
  const start = ordered[0]?.event.at ?? history.asOf;
  const state: SimulationState = { referral: emptyReferralState(), purchases: {}, ledgers: {}, spendMinor: {}, groupGranted: {}, wonDeals: {}, cursor: start, lines: [], deals: [] };
  for (const { event, index } of ordered) {
    advanceTo(state, programme, event.at);
    switch (event.kind) {
      case 'referral': {
        const linked = linkReferral(state.referral, { ...event, referredIsExistingCustomer: isCustomer(state, event.referredId) }, programme);
        state.referral = linked.state;
        applyReferralDecision(state, programme, linked.decision);
        break;
      }
      case 'won':
        onWon(state, programme, history, event);
        break;
      case 'lost':
        onLost(state, programme, event);
        break;
      case 'bonus':
        onBonus(state, programme, event.at, event.bonus, index);
        break;
    }
  }
  advanceTo(state, programme, history.asOf);
  return {
    lines: state.lines,
    deals: state.deals,
    contacts: history.contacts.map((contact) => summary(state, programme, contact, history.asOf)),
    ledgers: Object.fromEntries(Object.entries(state.ledgers).map(([id, ledger]) => [id, ledger.entries])),
  };
}
