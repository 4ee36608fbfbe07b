/**
 * The discounts a contact holds now, outside any deal — what `loyalty inspect contact` shows a manager: what each
 * programme gives the contact, why, and in which pipelines it applies. A deal later decides with the same facts plus
 * its pipeline, stage and amount, and stacks them (`contactDiscounts`).
 */
import { localDate } from './calendar';
import { formatAmount } from './money';
import { discountEnabled, formatPercent, percentForCount, pipelineName, type BasisPoints, type DiscountKind, type MinorUnits, type Programme } from './programme';

export interface ContactStandingFacts {
  /** From the contact's referral workflow: its referrer tier or welcome discount, and why. */
  referral: { percent: BasisPoints; reason: string };
  purchaseCount: number;
  /** The current or next birthday window; null without a birthdate. */
  birthdayWindow: { start: number; end: number } | null;
  cashbackAvailableMinor: MinorUnits;
}

export type StandingStatus = 'earned' | 'not-earned' | 'per-deal' | 'off';

export interface StandingDiscount {
  kind: DiscountKind;
  label: string;
  status: StandingStatus;
  /** Percent discounts only; 0 for cashback and for what is not earned. */
  percent: BasisPoints;
  reason: string;
  /** Names of the pipelines whose deals get this discount. */
  pipelines: string[];
}

export interface ContactStanding {
  discounts: StandingDiscount[];
  /** How several earned discounts combine on one deal. */
  stacking: string;
}

const LABELS: Record<DiscountKind, string> = {
  referral: 'referral discount',
  purchaseCount: 'cumulative discount',
  birthday: 'birthday discount',
  group: 'group discount',
  cashback: 'cashback payment',
};

export function contactStanding(programme: Programme, facts: ContactStandingFacts, now: number): ContactStanding {
  const kinds: DiscountKind[] = ['referral', 'purchaseCount', 'birthday', 'group', 'cashback'];
  return { discounts: kinds.map((kind) => standingOf(programme, kind, facts, now)), stacking: stackingText(programme) };
}

function standingOf(programme: Programme, kind: DiscountKind, facts: ContactStandingFacts, now: number): StandingDiscount {
  const pipelines = programme.applicability.filter((row) => row.discounts.includes(kind)).map((row) => pipelineName(programme, row.pipelineId));
  const standing = (status: StandingStatus, reason: string, percent = 0): StandingDiscount => ({ kind, label: LABELS[kind], status, percent, reason, pipelines });
  if (!discountEnabled(programme, kind)) return standing('off', 'not part of the programme');
  if (pipelines.length === 0) return standing('off', 'applies in no pipeline');
  switch (kind) {
    case 'referral':
      return standing(facts.referral.percent > 0 ? 'earned' : 'not-earned', facts.referral.reason, facts.referral.percent);
    case 'purchaseCount':
      return purchaseCountStanding(programme, facts.purchaseCount, standing);
    case 'birthday':
      return birthdayStanding(programme, facts.birthdayWindow, now, standing);
    case 'group':
      return standing('per-deal', "decided on each deal from the contact's customer groups in the CRM and the groups' daily limits");
    case 'cashback': {
      const available = `${formatAmount(facts.cashbackAvailableMinor, programme.currencyExponent)} ${programme.currency}`;
      const cap = `up to ${formatPercent(programme.cashback.maxPaymentPercent)} of a deal`;
      return standing(facts.cashbackAvailableMinor > 0 ? 'earned' : 'not-earned', `${available} available to pay with, ${cap}`);
    }
  }
}

type Standing = (status: StandingStatus, reason: string, percent?: BasisPoints) => StandingDiscount;

function purchaseCountStanding(programme: Programme, count: number, standing: Standing): StandingDiscount {
  const tiers = programme.purchaseCount.tiers;
  const percent = percentForCount(tiers, count);
  const next = tiers.find((tier) => tier.atLeast > count);
  const nextText = next === undefined ? 'the top tier' : `${formatPercent(next.percent)} from ${next.atLeast} purchase(s)`;
  return percent > 0
    ? standing('earned', `${count} purchase(s); next: ${nextText}`, percent)
    : standing('not-earned', `${count} purchase(s), below the first tier (${nextText})`);
}

function birthdayStanding(programme: Programme, window: ContactStandingFacts['birthdayWindow'], now: number, standing: Standing): StandingDiscount {
  if (window === null) return standing('not-earned', 'no birthdate in the CRM');
  const day = (instant: number) => localDate(instant, programme.timeZone);
  // The window's end is the midnight after its last day.
  const span = `${day(window.start)} to ${day(window.end - 1)} (${programme.timeZone})`;
  const open = window.start <= now && now < window.end;
  return open ? standing('earned', `birthday window open, ${span}`, programme.birthday.percent) : standing('not-earned', `next birthday window ${span}`);
}

function stackingText(programme: Programme): string {
  const stacking = programme.stacking;
  switch (stacking.policy) {
    case 'best':
      return 'the best single percent discount applies';
    case 'sum':
      return `percent discounts add up, capped at ${formatPercent(stacking.capPercent)}`;
    case 'priority':
      return `the first earned in the order ${stacking.order.map((kind) => LABELS[kind]).join(', ')} applies`;
  }
}
