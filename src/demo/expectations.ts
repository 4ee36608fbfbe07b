/**
 * The story's expected numbers, computed from the loaded programme with the pure domain — the same rules the engine
 * runs — so the demo shows that the engine did what the rules file says, whatever its percentages and tiers.
 */
import { isInBirthdayWindow, localDate } from '../domain/calendar';
import { cashbackAmountFor } from '../domain/cashback-rules';
import { planDealDiscounts, type DealDiscountPlan } from '../domain/deal-discounts';
import { formatAmount, parseAmount } from '../domain/money';
import { applyRowDiscounts, type BaseProductRow } from '../domain/product-rows';
import { earnsIn, formatPercent, type BasisPoints, type MinorUnits, type PipelineId, type Programme } from '../domain/programme';
import { QUANTITY_SCALE } from '../domain/quantity';
import { emptyReferralState, linkReferral, qualifyReferral, referrerDiscount } from '../domain/referral';
import type { ScriptedDeal } from './cast';

export function money(programme: Programme, amountMinor: MinorUnits): string {
  return `${formatAmount(amountMinor, programme.currencyExponent)} ${programme.currency}`;
}

export function percent(basisPoints: BasisPoints): string {
  return formatPercent(basisPoints);
}

export function amountMinor(programme: Programme, typed: string): MinorUnits {
  return parseAmount(typed, programme.currencyExponent);
}

/** The deal's rows as the engine reads them back: no tax, undiscounted prices. */
export function baseRowsOf(programme: Programme, deal: ScriptedDeal): BaseProductRow[] {
  return deal.rows.map((row) => ({
    productId: row.productId,
    name: row.name,
    basePriceMinor: amountMinor(programme, row.price),
    quantity: row.quantity * QUANTITY_SCALE,
    taxRateBasisPoints: null,
    taxIncluded: false,
  }));
}

export function dealTotalMinor(programme: Programme, deal: ScriptedDeal): MinorUnits {
  return applyRowDiscounts(baseRowsOf(programme, deal), programme.currencyExponent).baseTotalMinor;
}

/** What the payer of a won deal earns, given what they spent on won deals before it (tiers by cumulative spend). */
export function cashbackEarned(programme: Programme, pipelineId: PipelineId, wonAmountMinor: MinorUnits, spentBeforeMinor: MinorUnits): MinorUnits {
  return earnsIn(programme, 'cashback', pipelineId) ? cashbackAmountFor(wonAmountMinor, spentBeforeMinor, programme.cashback) : 0;
}

/** Whether cashback accrued now can be spent at once (no pending period). */
export function spendableAtOnce(programme: Programme): boolean {
  return programme.cashback.pendingDays === 0;
}

export interface ReferredPurchase {
  contactId: number;
  dealId: number;
  pipelineId: PipelineId;
  amountMinor: MinorUnits;
}

export interface ReferralExpectation {
  referrerPercent: BasisPoints;
  qualifiedCount: number;
  /** Referred contact id → their cashback: the deal's cashback plus the welcome reward when the deal qualified. */
  friendCashbackMinor: Map<number, MinorUnits>;
}

/** Runs the referral state machine over the story: new contacts linked to the referrer, then each wins a first deal. */
export function expectedReferrals(programme: Programme, referrerId: number, purchases: readonly ReferredPurchase[], at: number): ReferralExpectation {
  let state = emptyReferralState();
  const friendCashbackMinor = new Map<number, MinorUnits>();
  for (const purchase of purchases) {
    state = linkReferral(state, { referrerId: String(referrerId), referredId: String(purchase.contactId), at, referredIsExistingCustomer: false }, programme).state;
  }
  for (const purchase of purchases) {
    const won = { dealId: String(purchase.dealId), contactId: String(purchase.contactId), pipelineId: purchase.pipelineId, amountMinor: purchase.amountMinor, wonAt: at, isFirstWonDeal: true };
    const { state: next, decision } = qualifyReferral(state, won, programme);
    state = next;
    const welcome = decision.kind === 'qualified' && decision.welcome?.kind === 'cashback' ? decision.welcome.amountMinor : 0;
    friendCashbackMinor.set(purchase.contactId, cashbackEarned(programme, purchase.pipelineId, purchase.amountMinor, 0) + welcome);
  }
  const tier = referrerDiscount(state, String(referrerId), programme);
  return { referrerPercent: tier.percent, qualifiedCount: tier.qualifiedCount, friendCashbackMinor };
}

/** A birthdate whose birthday is today in the programme's time zone (1988 is a leap year: 29 February exists). */
export function birthdateCelebratedToday(programme: Programme, now: number): string {
  return `1988-${localDate(now, programme.timeZone).slice(5)}`;
}

export function birthdayWindowOpenAt(programme: Programme, birthdate: string, at: number): boolean {
  const { daysBefore, daysAfter, feb29 } = programme.birthday;
  return programme.birthday.enabled && isInBirthdayWindow({ birthdate, daysBefore, daysAfter, feb29, timeZone: programme.timeZone }, at);
}

export interface DiscountedDealFacts {
  contactId: number;
  pipelineId: PipelineId;
  stageId: string;
  deal: ScriptedDeal;
  purchaseCount: number;
  birthdayWindowActive: boolean;
  cashbackAvailableMinor: MinorUnits;
  cashbackRequestedMinor: MinorUnits;
}

/** The discounts the deal workflow must write for one payer with no referrals and no customer group. */
export function expectedDealDiscounts(programme: Programme, facts: DiscountedDealFacts): DealDiscountPlan {
  const contactId = String(facts.contactId);
  return planDealDiscounts(programme, {
    deal: { pipelineId: facts.pipelineId, stageId: facts.stageId },
    currency: programme.currency,
    rows: baseRowsOf(programme, facts.deal),
    contacts: [{ contactId, referralPercent: 0, purchaseCount: facts.purchaseCount, birthdayWindowActive: facts.birthdayWindowActive, groupIds: [], groupGrantedTodayMinor: {} }],
    cashback: { contactId, requestedMinor: facts.cashbackRequestedMinor, availableMinor: facts.cashbackAvailableMinor },
  });
}
