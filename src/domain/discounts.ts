/**
 * The discounts a deal gets, per contact: which programmes apply in the deal's pipeline and stage, what each
 * contact has earned, and how several discounts stack (best / sum with a cap / priority). Every discount is
 * reported with a status and a reason, so a manager can read why a deal got what it got.
 */
import { groupDiscountAllowance, groupsOf } from './customer-groups';
import { divideRounded, formatAmount, percentOf } from './money';
import {
  applicabilityOf,
  DISCOUNT_KINDS,
  discountEnabled,
  formatPercent,
  PERCENT_DISCOUNT_KINDS,
  percentForCount,
  pipelineName,
  type BasisPoints,
  type CustomerGroup,
  type DiscountKind,
  type MinorUnits,
  type PercentDiscountKind,
  type PipelineId,
  type Programme,
} from './programme';

export type DiscountStatus = 'applied' | 'superseded' | 'not-applicable' | 'not-earned';

export interface DiscountLine {
  kind: DiscountKind;
  label: string;
  status: DiscountStatus;
  percent: BasisPoints;
  amountMinor: MinorUnits;
  reason: string;
  /** Which customer group a `group` line is for. */
  groupId?: string;
  /** Why an applied discount is less than its percent gives (a group's daily limit), for the deal's status. */
  cappedBy?: string;
}

/** What the engine knows about one contact of the deal. */
export interface ContactLoyaltyFacts {
  contactId: string;
  /** This contact's share of the deal (their product rows), before discounts. */
  amountMinor: MinorUnits;
  /** From `contactReferralDiscount`: the contact's referrer tier or their welcome discount. */
  referralPercent: BasisPoints;
  purchaseCount: number;
  birthdayWindowActive: boolean;
  groupIds: string[];
  /** Group id → discount already granted to this contact today (local day in the programme's time zone). */
  groupGrantedTodayMinor: Record<string, MinorUnits>;
  /** Cashback the contact wants to pay with (already limited to their available balance). */
  cashbackToRedeemMinor: MinorUnits;
}

export interface DealContext {
  pipelineId: PipelineId;
  stageId: string;
}

export interface ContactDiscounts {
  contactId: string;
  lines: DiscountLine[];
  /** Sum of the applied percent discounts, as an amount and as basis points of the contact's share. */
  discountMinor: MinorUnits;
  discountPercent: BasisPoints;
  cashbackRedeemedMinor: MinorUnits;
  /** The group discount granted, to be added to the contact's total for the day (the daily limit counts it). */
  groupGranted: { groupId: string; amountMinor: MinorUnits } | null;
  statusLine: string;
}

const LABELS: Record<DiscountKind, string> = {
  referral: 'referral discount',
  purchaseCount: 'cumulative discount',
  birthday: 'birthday',
  group: 'group discount',
  cashback: 'cashback',
};

/** Rounded down so a discount never exceeds its percent. */
function percentAmountDown(amountMinor: MinorUnits, percent: BasisPoints): MinorUnits {
  return percentOf(amountMinor, percent, 'down');
}

function line(kind: DiscountKind, status: DiscountStatus, reason: string, percent = 0, amountMinor = 0, label = LABELS[kind]): DiscountLine {
  return { kind, label, status, percent, amountMinor, reason };
}

/** Null when discounts may be written in this pipeline and stage, else the reason they may not. */
export function stageRejection(programme: Programme, deal: DealContext): string | null {
  const row = applicabilityOf(programme, deal.pipelineId);
  const pipeline = pipelineName(programme, deal.pipelineId);
  if (row === undefined) return `no loyalty rules for pipeline ${pipeline}`;
  if (!row.discountStages.includes(deal.stageId)) return `stage ${deal.stageId} is not a discount stage in pipeline ${pipeline}`;
  return null;
}

/** Null when `kind` may be granted on this deal, else why not (stage, pipeline or programme). */
export function discountBlockedReason(programme: Programme, deal: DealContext, kind: DiscountKind): string | null {
  return stageRejection(programme, deal) ?? notApplicableReason(programme, kind, deal.pipelineId);
}

function notApplicableReason(programme: Programme, kind: DiscountKind, pipelineId: PipelineId): string | null {
  if (!discountEnabled(programme, kind)) return 'not part of the programme';
  const row = applicabilityOf(programme, pipelineId);
  if (row === undefined || !row.discounts.includes(kind)) return `not applicable in pipeline ${pipelineName(programme, pipelineId)}`;
  return null;
}

function earnedLine(programme: Programme, kind: PercentDiscountKind, facts: ContactLoyaltyFacts): DiscountLine {
  switch (kind) {
    case 'referral':
      return facts.referralPercent > 0
        ? line(kind, 'applied', 'earned through the referral programme', facts.referralPercent, percentAmountDown(facts.amountMinor, facts.referralPercent))
        : line(kind, 'not-earned', 'not enough qualified referrals yet');
    case 'purchaseCount': {
      const percent = percentForCount(programme.purchaseCount.tiers, facts.purchaseCount);
      return percent > 0
        ? line(kind, 'applied', `${facts.purchaseCount} purchase(s)`, percent, percentAmountDown(facts.amountMinor, percent))
        : line(kind, 'not-earned', `${facts.purchaseCount} purchase(s), below the first tier`);
    }
    case 'birthday':
      return facts.birthdayWindowActive
        ? line(kind, 'applied', 'within the birthday window', programme.birthday.percent, percentAmountDown(facts.amountMinor, programme.birthday.percent))
        : line(kind, 'not-earned', 'outside the birthday window');
    case 'group':
      return bestGroupLine(programme, facts);
  }
}

function bestGroupLine(programme: Programme, facts: ContactLoyaltyFacts): DiscountLine {
  const candidates = groupsOf(programme, facts.groupIds).map((group) => {
    const allowance = groupDiscountAllowance(group, percentAmountDown(facts.amountMinor, group.percent), facts.groupGrantedTodayMinor[group.id] ?? 0);
    return { group, allowance };
  });
  const best = candidates.sort((a, b) => b.allowance.allowedMinor - a.allowance.allowedMinor)[0];
  if (best === undefined) return line('group', 'not-earned', 'the contact is in no discount group');
  const label = `group ${best.group.name}`;
  const groupId = best.group.id;
  if (best.allowance.allowedMinor === 0) return { ...line('group', 'not-earned', best.allowance.reason, 0, 0, label), groupId };
  const applied = { ...line('group', 'applied', best.allowance.reason, best.group.percent, best.allowance.allowedMinor, label), groupId };
  return best.allowance.limited ? { ...applied, cappedBy: dailyLimitNote(programme, best.group, facts.groupGrantedTodayMinor[groupId] ?? 0) } : applied;
}

function dailyLimitNote(programme: Programme, group: CustomerGroup, grantedTodayMinor: MinorUnits): string {
  const money = (minor: MinorUnits) => `${formatAmount(minor, programme.currencyExponent)} ${programme.currency}`;
  return `daily limit ${money(group.dailyLimitMinor ?? 0)}, ${money(grantedTodayMinor)} already granted today`;
}

function supersede(candidate: DiscountLine, winner: DiscountLine): DiscountLine {
  return { ...candidate, status: 'superseded', amountMinor: 0, reason: `superseded by ${winner.label} ${formatPercent(winner.percent)}` };
}

/** Applies the stacking policy to the earned percent discounts (all `applied` on entry). */
function stack(programme: Programme, earned: DiscountLine[], amountMinor: MinorUnits): DiscountLine[] {
  const stacking = programme.stacking;
  if (stacking.policy === 'sum') {
    const cap = percentAmountDown(amountMinor, stacking.capPercent);
    let left = cap;
    return earned.map((candidate) => {
      const granted = Math.min(candidate.amountMinor, left);
      left -= granted;
      if (granted === candidate.amountMinor) return candidate;
      const reason = `cut by the ${formatPercent(stacking.capPercent)} cap on combined discounts`;
      return granted === 0 ? { ...candidate, status: 'superseded', amountMinor: 0, reason } : { ...candidate, amountMinor: granted, reason };
    });
  }
  const winner =
    stacking.policy === 'best'
      ? earned.reduce<DiscountLine | undefined>((best, c) => (best === undefined || c.amountMinor > best.amountMinor ? c : best), undefined)
      : stacking.order.map((kind) => earned.find((c) => c.kind === kind)).find((c) => c !== undefined);
  return earned.map((candidate) => {
    if (candidate === winner) return candidate;
    if (winner === undefined) return { ...candidate, status: 'superseded', amountMinor: 0, reason: 'not in the stacking priority order' };
    return supersede(candidate, winner);
  });
}

function cashbackLine(programme: Programme, facts: ContactLoyaltyFacts, payableMinor: MinorUnits): DiscountLine {
  if (facts.cashbackToRedeemMinor <= 0) return line('cashback', 'not-earned', 'no cashback to redeem');
  const cap = percentAmountDown(payableMinor, programme.cashback.maxPaymentPercent);
  const redeemed = Math.min(facts.cashbackToRedeemMinor, cap);
  const reason = redeemed < facts.cashbackToRedeemMinor ? `limited to ${formatPercent(programme.cashback.maxPaymentPercent)} of the deal` : 'paid from the cashback balance';
  return line('cashback', redeemed > 0 ? 'applied' : 'not-earned', reason, 0, redeemed);
}

export function formatDiscountLine(discount: DiscountLine, programme: Programme): string {
  const percent = discount.percent > 0 ? ` ${formatPercent(discount.percent)}` : '';
  const amount = `${formatAmount(discount.amountMinor, programme.currencyExponent)} ${programme.currency}`;
  const capped = discount.cappedBy === undefined ? '' : ` (${discount.cappedBy})`;
  const what = discount.status === 'applied' ? `applied, ${amount}${capped}` : discount.reason;
  return `${discount.label}${percent} — ${what}`;
}

export function contactDiscounts(programme: Programme, deal: DealContext, facts: ContactLoyaltyFacts): ContactDiscounts {
  const blocked = new Map<DiscountKind, string>();
  for (const kind of DISCOUNT_KINDS) {
    const reason = discountBlockedReason(programme, deal, kind);
    if (reason !== null) blocked.set(kind, reason);
  }
  const percentLines = PERCENT_DISCOUNT_KINDS.map((kind) => {
    const reason = blocked.get(kind);
    return reason === undefined ? earnedLine(programme, kind, facts) : line(kind, 'not-applicable', reason);
  });
  const stacked = stack(programme, percentLines.filter((l) => l.status === 'applied'), facts.amountMinor);
  const resolved = percentLines.map((l) => stacked.find((s) => s.kind === l.kind) ?? l);
  const discountMinor = resolved.reduce((sum, l) => sum + (l.status === 'applied' ? l.amountMinor : 0), 0);
  const cashbackBlocked = blocked.get('cashback');
  const cashback = cashbackBlocked === undefined ? cashbackLine(programme, facts, facts.amountMinor - discountMinor) : line('cashback', 'not-applicable', cashbackBlocked);
  const lines = [...resolved, cashback];
  const group = resolved.find((l) => l.kind === 'group' && l.status === 'applied');
  return {
    contactId: facts.contactId,
    lines,
    discountMinor,
    discountPercent: facts.amountMinor === 0 ? 0 : Number(divideRounded(BigInt(discountMinor) * 10_000n, BigInt(facts.amountMinor), 'down')),
    cashbackRedeemedMinor: cashback.status === 'applied' ? cashback.amountMinor : 0,
    groupGranted: group?.groupId === undefined ? null : { groupId: group.groupId, amountMinor: group.amountMinor },
    statusLine: lines.map((l) => formatDiscountLine(l, programme)).join('; '),
  };
}
