/**
 * The discounts of one deal as a whole: every contact's own discounts on their share of the deal, the cashback the
 * manager asked to redeem, the product rows that carry them and the texts the CRM shows.
 *
 *   planDealDiscounts(programme, request) → DealDiscountPlan
 *
 * Rules
 * - Multi-contact deals: each contact of the deal is one traveller paying an equal share of the deal's undiscounted
 *   total (split with the largest remainder, earlier contacts first, as the simulator does). A contact's percent
 *   discounts (referral, cumulative, birthday, group; stacked per the programme) apply to their share only, so a
 *   deal of two travellers where one has a 5 % birthday discount gets 5 % off half the deal.
 * - Cashback: only the payer (the deal's primary contact, who also earns the deal's cashback) redeems, the amount the
 *   manager put into the deal's cashback-to-redeem field. It is checked whole against the payer's available balance
 *   and `cashback.maxPaymentPercent` of the deal after the percent discounts; a request over either is rejected, not
 *   cut, and the status says why. The workflow then asks the payer's account to debit it; a refusal there is passed
 *   back as `cashback.refusal` and the rows are planned without it.
 * - Rows: the sum of the contacts' discounts plus the redeemed cashback comes off the gross row totals as one absolute
 *   amount (applyRowDiscounts); what the rows cannot take exactly is taken from the cashback first, so the redeemed
 *   amount is exactly what the rows show.
 * - A deal in another currency than the programme's gets no money discounts; its rows are left alone.
 */
import { applyRowDiscounts, type BaseProductRow, type DiscountedRows } from './product-rows';
import {
  type ContactDiscounts,
  type ContactLoyaltyFacts,
  contactDiscounts,
  type DealContext,
  discountBlockedReason,
  type DiscountLine,
  formatDiscountLine,
} from './discounts';
import { checkCashbackPayment } from './ledger/payment-cap';
import { allocateProportionally, formatAmount } from './money';
import { markersFieldValue } from './product-row-marker';
import { foreignCurrencyReason, pipelineName, type MinorUnits, type Programme } from './programme';

export type DealContactFacts = Omit<ContactLoyaltyFacts, 'amountMinor' | 'cashbackToRedeemMinor'>;

export interface CashbackRedemptionRequest {
  /** The payer: the deal's primary contact. */
  contactId: string;
  requestedMinor: MinorUnits;
  /** The payer's spendable balance, counting what this deal already redeemed as available again. */
  availableMinor: MinorUnits;
  /** Why the payer's account refused the debit, when it did. */
  refusal?: string;
}

export interface DealDiscountRequest {
  deal: DealContext;
  currency: string | null;
  rows: readonly BaseProductRow[];
  /** In CRM order, primary contact first. */
  contacts: readonly DealContactFacts[];
  /** Null when nothing is to be redeemed or the deal has no primary contact. */
  cashback: CashbackRedemptionRequest | null;
}

export type CashbackStatus = 'applied' | 'rejected' | 'not-applicable' | 'not-requested';

export interface CashbackOutcome {
  status: CashbackStatus;
  contactId: string | null;
  requestedMinor: MinorUnits;
  /** Redeemed: what the rows carry and the payer's account must be debited. */
  amountMinor: MinorUnits;
  reason: string;
}

/** A contact's percent discounts on their share of the deal (the cashback line is the deal's, in `cashback`). */
export interface ContactShareDiscounts extends ContactDiscounts {
  shareMinor: MinorUnits;
}

export interface DealDiscountPlan {
  contacts: ContactShareDiscounts[];
  cashback: CashbackOutcome;
  /** Null when the rows must stay as they are. */
  rows: DiscountedRows | null;
  /** The row-marker deal field for `rows`. */
  rowMarkers: string | null;
  /** Short, for the deal's loyalty-status field. */
  status: string;
  /** One line per applied discount, for the applied-discounts field. */
  applied: string;
  /** The full explanation, for the timeline. */
  comment: string;
}

const NOTHING_TO_REDEEM: CashbackOutcome = { status: 'not-requested', contactId: null, requestedMinor: 0, amountMinor: 0, reason: 'no cashback to redeem' };

function money(programme: Programme, amountMinor: MinorUnits): string {
  return `${formatAmount(amountMinor, programme.currencyExponent)} ${programme.currency}`;
}

function cashbackDecision(programme: Programme, deal: DealContext, request: CashbackRedemptionRequest | null, payableMinor: MinorUnits): CashbackOutcome {
  if (request === null || request.requestedMinor <= 0) return NOTHING_TO_REDEEM;
  const base = { contactId: request.contactId, requestedMinor: request.requestedMinor, amountMinor: 0 };
  const blocked = discountBlockedReason(programme, deal, 'cashback');
  if (blocked !== null) return { ...base, status: 'not-applicable', reason: blocked };
  if (request.refusal !== undefined) return { ...base, status: 'rejected', reason: request.refusal };
  const check = checkCashbackPayment({
    dealAmountMinor: payableMinor,
    requestedMinor: request.requestedMinor,
    availableMinor: request.availableMinor,
    maxPaymentBasisPoints: programme.cashback.maxPaymentPercent,
  });
  if (!check.allowed) return { ...base, status: 'rejected', reason: check.message };
  return { ...base, status: 'applied', amountMinor: check.amountMinor, reason: 'paid from the cashback balance' };
}

/** The cashback actually carried by the rows: whatever of the absolute amount the rows could not take comes off it. */
function cashbackOnRows(decided: CashbackOutcome, percentMinor: MinorUnits, appliedMinor: MinorUnits): CashbackOutcome {
  if (decided.status !== 'applied') return decided;
  const carried = Math.max(0, appliedMinor - percentMinor);
  if (carried === decided.amountMinor) return decided;
  if (carried === 0) return { ...decided, status: 'rejected', amountMinor: 0, reason: 'the product rows leave nothing to pay with cashback' };
  return { ...decided, amountMinor: carried, reason: `limited to ${carried} minor units: what the product rows can take` };
}

const label = (contactId: string): string => `contact ${contactId}`;
const percentLines = (result: ContactDiscounts): DiscountLine[] => result.lines.filter((l) => l.kind !== 'cashback');
const appliedOf = (result: ContactDiscounts): DiscountLine[] => percentLines(result).filter((l) => l.status === 'applied');

function cashbackText(programme: Programme, cashback: CashbackOutcome): string {
  if (cashback.status === 'applied') return `cashback — applied, ${money(programme, cashback.amountMinor)}`;
  if (cashback.status === 'not-requested') return 'cashback — not requested';
  return `cashback ${money(programme, cashback.requestedMinor)} — ${cashback.status === 'rejected' ? 'rejected: ' : ''}${cashback.reason}`;
}

function statusText(programme: Programme, contacts: readonly ContactDiscounts[], cashback: CashbackOutcome): string {
  const perContact = contacts.map((result) => {
    const applied = appliedOf(result);
    const text = applied.length === 0 ? 'no discount' : applied.map((l) => formatDiscountLine(l, programme)).join('; ');
    return `${label(result.contactId)}: ${text}`;
  });
  return [...perContact, ...(cashback.status === 'not-requested' ? [] : [cashbackText(programme, cashback)])].join(' | ');
}

function appliedText(programme: Programme, contacts: readonly ContactDiscounts[], cashback: CashbackOutcome, rows: DiscountedRows): string {
  const lines = contacts.flatMap((result) => appliedOf(result).map((l) => `${label(result.contactId)}: ${formatDiscountLine(l, programme)}`));
  if (cashback.status === 'applied') lines.push(`${label(cashback.contactId ?? '?')}: cashback — applied, ${money(programme, cashback.amountMinor)}`);
  lines.push(`total ${money(programme, rows.baseTotalMinor)} → ${money(programme, rows.totalMinor)}`);
  return lines.join('\n');
}

function commentText(programme: Programme, deal: DealContext, contacts: readonly ContactShareDiscounts[], cashback: CashbackOutcome, rows: DiscountedRows): string {
  const head = `Loyalty discounts (pipeline ${pipelineName(programme, deal.pipelineId)}, stage ${deal.stageId}): ${money(programme, rows.baseTotalMinor)} → ${money(programme, rows.totalMinor)}`;
  const perContact = contacts.map(
    (result) => `${label(result.contactId)}, share ${money(programme, result.shareMinor)}: ${percentLines(result).map((l) => formatDiscountLine(l, programme)).join('; ')}`,
  );
  const { requestedMinor, appliedMinor } = rows.absolute;
  const uncarried = requestedMinor > appliedMinor ? [`not carried by the product rows: ${money(programme, requestedMinor - appliedMinor)}`] : [];
  return [head, ...perContact, cashbackText(programme, cashback), ...uncarried].join('\n');
}

function unchangedRowsPlan(programme: Programme, reason: string, cashback: CashbackRedemptionRequest | null): DealDiscountPlan {
  const outcome: CashbackOutcome =
    cashback === null || cashback.requestedMinor <= 0
      ? NOTHING_TO_REDEEM
      : { status: 'not-applicable', contactId: cashback.contactId, requestedMinor: cashback.requestedMinor, amountMinor: 0, reason };
  const status = `no discounts: ${reason}`;
  return { contacts: [], cashback: outcome, rows: null, rowMarkers: null, status, applied: 'none', comment: `Loyalty discounts: ${reason}.` };
}

export function planDealDiscounts(programme: Programme, request: DealDiscountRequest): DealDiscountPlan {
  const foreign = foreignCurrencyReason(programme, request.currency);
  if (foreign !== null) return unchangedRowsPlan(programme, foreign, request.cashback);
  const exponent = programme.currencyExponent;
  const baseTotal = applyRowDiscounts(request.rows, exponent).baseTotalMinor;
  const parts = request.contacts.length === 0 ? [] : allocateProportionally(baseTotal, request.contacts.map(() => 1));
  const contacts = request.contacts.map((facts, i): ContactShareDiscounts => {
    const shareMinor = parts[i] ?? 0;
    return { ...contactDiscounts(programme, request.deal, { ...facts, amountMinor: shareMinor, cashbackToRedeemMinor: 0 }), shareMinor };
  });
  const percentMinor = contacts.reduce((sum, result) => sum + result.discountMinor, 0);
  const decided = cashbackDecision(programme, request.deal, request.cashback, baseTotal - percentMinor);
  const rows = applyRowDiscounts(request.rows, exponent, { absoluteMinor: percentMinor + decided.amountMinor });
  // The rows carry percent + cashback as far as they can; the shortfall is taken off the cashback first.
  const cashback = cashbackOnRows(decided, percentMinor, rows.absolute.appliedMinor);
  return {
    contacts,
    cashback,
    rows,
    rowMarkers: markersFieldValue(rows.rows.map((row) => row.marker)),
    status: request.contacts.length === 0 ? 'no discounts: the deal has no contact' : statusText(programme, contacts, cashback),
    applied: appliedText(programme, contacts, cashback, rows),
    comment: commentText(programme, request.deal, contacts, cashback, rows),
  };
}
