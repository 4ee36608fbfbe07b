/**
 * The loyalty programme as plain data: what the rules file (src/config) is validated into and what every
 * decision function reads. Percentages are basis points (5 % = 500, 7.5 % = 750), money is integer minor
 * units, instants are epoch ms, dates `YYYY-MM-DD`, time zones IANA names.
 */

import { type RoundingMode } from './money';
import { type NotificationSettings } from './notifications';

export type BasisPoints = number;
export type MinorUnits = number;
/** A Bitrix24 deal pipeline (CATEGORY_ID). */
export type PipelineId = number;

export type EarningProgramme = 'cashback' | 'referral' | 'purchaseCount';
export const EARNING_PROGRAMMES: readonly EarningProgramme[] = ['cashback', 'referral', 'purchaseCount'];

export type DiscountKind = 'referral' | 'purchaseCount' | 'birthday' | 'group' | 'cashback';
export const DISCOUNT_KINDS: readonly DiscountKind[] = ['referral', 'purchaseCount', 'birthday', 'group', 'cashback'];
/** The discounts that are a percentage of the deal and therefore compete under the stacking policy. */
export type PercentDiscountKind = Exclude<DiscountKind, 'cashback'>;
export const PERCENT_DISCOUNT_KINDS = ['referral', 'purchaseCount', 'birthday', 'group'] as const satisfies readonly PercentDiscountKind[];

export interface Pipeline {
  id: PipelineId;
  name: string;
}

/** One row of the applicability matrix: what earns and which discounts apply in a pipeline, and at which stages. */
export interface PipelineApplicability {
  pipelineId: PipelineId;
  earns: EarningProgramme[];
  discounts: DiscountKind[];
  /** Stage codes (`PREPARATION`, `C3:PREPARATION`) in which discounts are written into the deal. */
  discountStages: string[];
}

export interface CountTier {
  /** Reached at this many (inclusive). */
  atLeast: number;
  percent: BasisPoints;
}

export type WelcomeReward =
  | { kind: 'discount'; percent: BasisPoints }
  | { kind: 'cashback'; amountMinor: MinorUnits };

export interface ReferralRules {
  enabled: boolean;
  /** `first`: only the referred contact's first won deal qualifies; `any`: any won deal does. */
  qualifyingDeal: 'first' | 'any';
  minDealAmountMinor: MinorUnits;
  /** `contacts`: distinct referred contacts count; `deals`: every qualifying deal counts. */
  countBy: 'contacts' | 'deals';
  /** Ascending by `atLeast`. */
  tiers: CountTier[];
  welcome: WelcomeReward | null;
  /** Cashback credited to the referrer's referrer for each qualified referral, or null for single-level. */
  secondLevelCashbackMinor: MinorUnits | null;
  /** Links to contacts who already had a won deal are rejected. */
  rejectExistingCustomers: boolean;
  /** Referral link URL with a `{code}` placeholder, or null when no links are published. */
  linkTemplate: string | null;
}

export interface PurchaseCountRules {
  enabled: boolean;
  tiers: CountTier[];
}

export interface AmountTier {
  /** Inclusive upper bound; null for the last, open-ended tier. */
  upToMinor: MinorUnits | null;
  percent: BasisPoints;
}

export interface CalendarReset {
  month: number;
  day: number;
}

export interface CashbackRules {
  enabled: boolean;
  /** Tiers look at the deal's amount or at the contact's cumulative won spend before this deal. */
  tierBasis: 'dealAmount' | 'cumulativeSpend';
  tiers: AmountTier[];
  rounding: RoundingMode;
  lotExpiryDays: number;
  pendingDays: number;
  /** Everything left expires at the end of this day in the programme's time zone, or null. */
  reset: CalendarReset | null;
  /** How much of a deal may be paid with cashback. */
  maxPaymentPercent: BasisPoints;
  reminderDaysBeforeExpiry: number | null;
  clawback: 'debt' | 'cap';
}

export interface BirthdayRules {
  enabled: boolean;
  percent: BasisPoints;
  daysBefore: number;
  daysAfter: number;
  /** Where a 29 February birthday falls in a non-leap year. */
  feb29: 'feb28' | 'mar1';
}

export type BonusKind = 'review' | 'apology';

export interface BonusRule {
  defaultAmountMinor: MinorUnits;
  maxAmountMinor: MinorUnits;
  reasonMinLength: number;
  /** Bitrix24 user ids allowed to grant it; null: anyone. */
  grantedBy: string[] | null;
}

export type BonusRules = Record<BonusKind, BonusRule | null>;

export interface CustomerGroup {
  id: string;
  name: string;
  percent: BasisPoints;
  /** Maximum discount amount per contact per local day, or null for no limit. */
  dailyLimitMinor: MinorUnits | null;
}

export type StackingPolicy =
  | { policy: 'best' }
  | { policy: 'sum'; capPercent: BasisPoints }
  | { policy: 'priority'; order: PercentDiscountKind[] };

export interface Programme {
  currency: string;
  /** Digits after the decimal point of the currency (2 for RUB, USD, EUR; 0 for JPY). */
  currencyExponent: number;
  timeZone: string;
  pipelines: Pipeline[];
  applicability: PipelineApplicability[];
  referral: ReferralRules;
  purchaseCount: PurchaseCountRules;
  cashback: CashbackRules;
  birthday: BirthdayRules;
  bonuses: BonusRules;
  groups: CustomerGroup[];
  stacking: StackingPolicy;
  notifications: NotificationSettings;
}

export function pipelineName(programme: Programme, pipelineId: PipelineId): string {
  return programme.pipelines.find((p) => p.id === pipelineId)?.name ?? `#${pipelineId}`;
}

export function applicabilityOf(programme: Programme, pipelineId: PipelineId): PipelineApplicability | undefined {
  return programme.applicability.find((row) => row.pipelineId === pipelineId);
}

/** Whether the programme offers this discount at all (pipelines aside). */
export function discountEnabled(programme: Programme, kind: DiscountKind): boolean {
  const enabled: Record<DiscountKind, boolean> = {
    referral: programme.referral.enabled,
    purchaseCount: programme.purchaseCount.enabled,
    birthday: programme.birthday.enabled,
    group: programme.groups.length > 0,
    cashback: programme.cashback.enabled,
  };
  return enabled[kind];
}

/**
 * Why an amount in `currency` is not money of this programme, or null when it is (a deal with no currency is taken
 * to be in the programme's): such a deal gets no money discounts, earns no cashback and meets no minimum amount.
 */
export function foreignCurrencyReason(programme: Programme, currency: string | null | undefined): string | null {
  if (currency === null || currency === undefined || currency === programme.currency) return null;
  return `the deal is in ${currency}, the programme in ${programme.currency}`;
}

export function earnsIn(programme: Programme, earning: EarningProgramme, pipelineId: PipelineId): boolean {
  return applicabilityOf(programme, pipelineId)?.earns.includes(earning) ?? false;
}

/** The percent of the highest tier reached by `count`, 0 below the first tier. Tiers are ascending. */
export function percentForCount(tiers: readonly CountTier[], count: number): BasisPoints {
  let percent = 0;
  for (const tier of tiers) if (count >= tier.atLeast) percent = tier.percent;
  return percent;
}

/** `500` → `5 %`, `750` → `7.5 %`. */
export function formatPercent(percent: BasisPoints): string {
  const whole = Math.trunc(percent / 100);
  const fraction = String(percent % 100).padStart(2, '0').replace(/0+$/, '');
  return `${whole}${fraction === '' ? '' : `.${fraction}`} %`;
}
