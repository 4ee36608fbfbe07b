/**
 * The referral programme as a pure state machine over plain JSON (it travels in Temporal workflow state).
 *
 *   linkReferral          record "A referred B", or reject it with a named reason
 *   qualifyReferral       B's won deal makes the link a qualified referral (or says why not)
 *   reverseQualification  the qualifying deal was reversed: the referral no longer counts, its cashback rewards are taken back
 *   referrerDiscount      the referrer's current discount from the tiers
 *
 * Every transition returns the new state and a decision with a human-readable reason for the history.
 */
import { earnsIn, formatPercent, percentForCount, pipelineName, type BasisPoints, type MinorUnits, type PipelineId, type Programme, type WelcomeReward } from './programme';

export interface ReferralLink {
  referrerId: string;
  referredId: string;
  linkedAt: number;
}

export interface Qualification {
  dealId: string;
  referrerId: string;
  referredId: string;
  amountMinor: MinorUnits;
  qualifiedAt: number;
  reversedAt: number | null;
  /**
   * The cashback this qualification holds, so its reversal can take it back. Absent in qualifications recorded before
   * rewards were tracked: those are treated as holding a welcome reward for good, as they were then.
   */
  rewards?: QualificationRewards;
}

/** A cashback credit a referral decision grants or takes back; the key is the credit's idempotency key in the ledger. */
export interface RewardCredit {
  reward: 'welcome' | 'second-level';
  contactId: string;
  key: string;
  amountMinor: MinorUnits;
}

export interface QualificationRewards {
  welcome: RewardCredit | null;
  secondLevel: RewardCredit | null;
}

export interface ReferralState {
  /** Keyed by the referred contact: a contact has at most one referrer. */
  links: Record<string, ReferralLink>;
  /** Keyed by the qualifying deal id. */
  qualifications: Record<string, Qualification>;
}

export type LinkRejection = 'self-referral' | 'referral-cycle' | 'existing-customer' | 'already-referred' | 'duplicate';
export type NotQualifiedReason = 'programme-disabled' | 'not-referred' | 'pipeline-not-qualifying' | 'below-minimum-amount' | 'not-first-deal' | 'duplicate';

export type ReferralDecision =
  | { kind: 'linked'; referrerId: string; referredId: string; at: number; reason: string }
  | { kind: 'link-rejected'; rejection: LinkRejection; referrerId: string; referredId: string; at: number; reason: string }
  | {
      kind: 'qualified';
      dealId: string;
      referrerId: string;
      referredId: string;
      at: number;
      referrerPercentBefore: BasisPoints;
      referrerPercentAfter: BasisPoints;
      /** The reward for the referred contact, granted once: only with their first qualification. */
      welcome: WelcomeReward | null;
      /** The referrer's referrer and their cashback, when multi-level is on. */
      secondLevel: { contactId: string; amountMinor: MinorUnits } | null;
      /** The cashback credits to make (welcome and second-level), with their keys. */
      credits: RewardCredit[];
      reason: string;
    }
  | { kind: 'not-qualified'; notQualified: NotQualifiedReason; dealId: string; referredId: string; at: number; reason: string }
  | {
      kind: 'reversed';
      dealId: string;
      referrerId: string;
      referredId: string;
      at: number;
      referrerPercentBefore: BasisPoints;
      referrerPercentAfter: BasisPoints;
      /** The cashback credits the reversed qualification held, to take back (empty when rewards are kept). */
      takeBack: RewardCredit[];
      reason: string;
    }
  | { kind: 'reversal-ignored'; dealId: string; at: number; reason: string };

export interface ReferralTransition {
  state: ReferralState;
  decision: ReferralDecision;
}

export function emptyReferralState(): ReferralState {
  return { links: {}, qualifications: {} };
}

export interface LinkRequest {
  referrerId: string;
  referredId: string;
  at: number;
  /** Whether the referred contact already had a won deal before this link. */
  referredIsExistingCustomer: boolean;
  /** The referrer's referrers known outside this state, nearest first (for cycles across workflows). */
  referrerAncestors?: readonly string[];
  /** The referred contact's referrer when it is recorded outside this state (each referrer keeps its own links). */
  referredCurrentReferrerId?: string | null;
}

/** The referrer chain above `contactId` recorded in the state, nearest first; stops on a loop. */
export function ancestorsOf(state: ReferralState, contactId: string): string[] {
  const chain: string[] = [];
  let current = state.links[contactId]?.referrerId;
  while (current !== undefined && !chain.includes(current) && current !== contactId) {
    chain.push(current);
    current = state.links[current]?.referrerId;
  }
  return chain;
}

function knownReferrer(request: LinkRequest): { referrerId: string } | undefined {
  const referrerId = request.referredCurrentReferrerId;
  return referrerId === undefined || referrerId === null ? undefined : { referrerId };
}

function linkRejection(state: ReferralState, request: LinkRequest, programme: Programme): { rejection: LinkRejection; reason: string } | null {
  const { referrerId, referredId } = request;
  if (referrerId === referredId) return { rejection: 'self-referral', reason: `contact ${referredId} cannot refer themselves` };
  const existing = state.links[referredId] ?? knownReferrer(request);
  if (existing?.referrerId === referrerId) return { rejection: 'duplicate', reason: `contact ${referredId} is already linked to referrer ${referrerId}` };
  if (existing !== undefined) return { rejection: 'already-referred', reason: `contact ${referredId} was already referred by ${existing.referrerId}` };
  const ancestors = [...ancestorsOf(state, referrerId), ...(request.referrerAncestors ?? [])];
  if (ancestors.includes(referredId)) {
    return { rejection: 'referral-cycle', reason: `contact ${referredId} is already above ${referrerId} in the referral chain (a cycle)` };
  }
  if (programme.referral.rejectExistingCustomers && request.referredIsExistingCustomer) {
    return { rejection: 'existing-customer', reason: `contact ${referredId} already had a won deal before the referral` };
  }
  return null;
}

export function linkReferral(state: ReferralState, request: LinkRequest, programme: Programme): ReferralTransition {
  const { referrerId, referredId, at } = request;
  const rejected = linkRejection(state, request, programme);
  if (rejected !== null) return { state, decision: { kind: 'link-rejected', ...rejected, referrerId, referredId, at } };
  return {
    state: { ...state, links: { ...state.links, [referredId]: { referrerId, referredId, linkedAt: at } } },
    decision: { kind: 'linked', referrerId, referredId, at, reason: `contact ${referredId} linked to referrer ${referrerId}` },
  };
}

/** How many qualified referrals count for the referrer's tier (distinct contacts or deals, per the rules). */
export function qualifiedReferralCount(state: ReferralState, referrerId: string, programme: Programme): number {
  const active = Object.values(state.qualifications).filter((q) => q.referrerId === referrerId && q.reversedAt === null);
  return programme.referral.countBy === 'deals' ? active.length : new Set(active.map((q) => q.referredId)).size;
}

export interface ReferrerDiscount {
  percent: BasisPoints;
  qualifiedCount: number;
  /** The highest tier reached, or null below the first. */
  reached: { atLeast: number; percent: BasisPoints } | null;
  /** The next tier to reach, or null at the top. */
  next: { atLeast: number; percent: BasisPoints } | null;
}

export function referrerDiscount(state: ReferralState, referrerId: string, programme: Programme): ReferrerDiscount {
  const qualifiedCount = qualifiedReferralCount(state, referrerId, programme);
  const next = programme.referral.tiers.find((tier) => tier.atLeast > qualifiedCount) ?? null;
  const reached = programme.referral.tiers.filter((tier) => tier.atLeast <= qualifiedCount).at(-1) ?? null;
  return { percent: percentForCount(programme.referral.tiers, qualifiedCount), qualifiedCount, reached: reached && { ...reached }, next: next && { ...next } };
}

export interface WonDeal {
  dealId: string;
  contactId: string;
  pipelineId: PipelineId;
  amountMinor: MinorUnits;
  wonAt: number;
  /** Whether this is the contact's first won deal. */
  isFirstWonDeal: boolean;
}

type QualificationCheck = { link: ReferralLink } | { notQualified: NotQualifiedReason; reason: string };

function checkQualification(state: ReferralState, deal: WonDeal, programme: Programme): QualificationCheck {
  const rules = programme.referral;
  const link = state.links[deal.contactId];
  if (!rules.enabled) return { notQualified: 'programme-disabled', reason: 'the referral programme is disabled' };
  // A reversed qualification may count again when the deal is won again (reopened, then won).
  if (state.qualifications[deal.dealId]?.reversedAt === null) return { notQualified: 'duplicate', reason: `deal ${deal.dealId} was already counted` };
  if (link === undefined) return { notQualified: 'not-referred', reason: `contact ${deal.contactId} has no referrer` };
  if (!earnsIn(programme, 'referral', deal.pipelineId)) {
    return { notQualified: 'pipeline-not-qualifying', reason: `pipeline ${pipelineName(programme, deal.pipelineId)} does not qualify referrals` };
  }
  if (deal.amountMinor < rules.minDealAmountMinor) {
    return { notQualified: 'below-minimum-amount', reason: `deal amount ${deal.amountMinor} is below the minimum ${rules.minDealAmountMinor} (minor units)` };
  }
  if (rules.qualifyingDeal === 'first' && !deal.isFirstWonDeal) {
    return { notQualified: 'not-first-deal', reason: `deal ${deal.dealId} is not the first won deal of contact ${deal.contactId}` };
  }
  return { link };
}

function hasQualified(state: ReferralState, referredId: string): boolean {
  return Object.values(state.qualifications).some((q) => q.referredId === referredId);
}

/** Whether a qualification of the referred contact holds their (one) welcome reward. */
function holdsWelcome(state: ReferralState, referredId: string): boolean {
  return Object.values(state.qualifications).some((q) => q.referredId === referredId && (q.rewards === undefined || q.rewards.welcome !== null));
}

/**
 * A reward's first credit keeps the plain key; one granted again after an earlier grant was taken back gets its own
 * key, since the ledger never credits a key twice.
 */
function rewardKey(base: string, grantedBefore: boolean, qualifiedAt: number): string {
  return grantedBefore ? `${base}#${qualifiedAt}` : base;
}

/** A deal won again after its qualification was reversed: was the earlier second-level reward taken back? */
function secondLevelTakenBack(earlier: Qualification | undefined): boolean {
  return earlier !== undefined && earlier.reversedAt !== null && earlier.rewards?.secondLevel === null;
}

function rewardsFor(state: ReferralState, deal: WonDeal, referrerId: string, programme: Programme): QualificationRewards {
  const { welcome, secondLevelCashbackMinor } = programme.referral;
  const referred = deal.contactId;
  const welcomeDue = welcome?.kind === 'cashback' && !holdsWelcome(state, referred);
  const referredBefore = hasQualified(state, referred);
  const grandReferrer = state.links[referrerId]?.referrerId;
  return {
    welcome: welcomeDue
      ? { reward: 'welcome', contactId: referred, key: rewardKey(`referral-welcome:${referred}`, referredBefore, deal.wonAt), amountMinor: welcome.amountMinor }
      : null,
    secondLevel:
      grandReferrer !== undefined && secondLevelCashbackMinor !== null
        ? {
            reward: 'second-level',
            contactId: grandReferrer,
            key: rewardKey(`referral-second-level:${deal.dealId}`, secondLevelTakenBack(state.qualifications[deal.dealId]), deal.wonAt),
            amountMinor: secondLevelCashbackMinor,
          }
        : null,
  };
}

export function qualifyReferral(state: ReferralState, deal: WonDeal, programme: Programme): ReferralTransition {
  const check = checkQualification(state, deal, programme);
  if (!('link' in check)) return { state, decision: { kind: 'not-qualified', ...check, dealId: deal.dealId, referredId: deal.contactId, at: deal.wonAt } };
  const { referrerId } = check.link;
  const before = referrerDiscount(state, referrerId, programme).percent;
  const rewards = rewardsFor(state, deal, referrerId, programme);
  const qualification: Qualification = { dealId: deal.dealId, referrerId, referredId: deal.contactId, amountMinor: deal.amountMinor, qualifiedAt: deal.wonAt, reversedAt: null, rewards };
  const next: ReferralState = { ...state, qualifications: { ...state.qualifications, [deal.dealId]: qualification } };
  const after = referrerDiscount(next, referrerId, programme);
  const welcome = programme.referral.welcome;
  return {
    state: next,
    decision: {
      kind: 'qualified',
      dealId: deal.dealId,
      referrerId,
      referredId: deal.contactId,
      at: deal.wonAt,
      referrerPercentBefore: before,
      referrerPercentAfter: after.percent,
      welcome: welcome?.kind === 'cashback' ? (rewards.welcome === null ? null : welcome) : hasQualified(state, deal.contactId) ? null : welcome,
      secondLevel: rewards.secondLevel === null ? null : { contactId: rewards.secondLevel.contactId, amountMinor: rewards.secondLevel.amountMinor },
      credits: [rewards.welcome, rewards.secondLevel].filter((credit): credit is RewardCredit => credit !== null),
      reason: `deal ${deal.dealId} of referred contact ${deal.contactId} qualifies: referrer ${referrerId} has ${after.qualifiedCount} qualified referral(s), discount ${formatPercent(after.percent)}`,
    },
  };
}

export interface ContactReferralDiscount {
  percent: BasisPoints;
  source: 'referrer-tier' | 'welcome' | 'none';
}

/** A contact's side as a referred contact: whether someone referred them and whether a deal of theirs ever qualified. */
export interface ReferredStanding {
  referred: boolean;
  everQualified: boolean;
}

export function referredStandingIn(state: ReferralState, contactId: string): ReferredStanding {
  return { referred: state.links[contactId] !== undefined, everQualified: hasQualified(state, contactId) };
}

/**
 * The referral discount a contact gets on a deal: their own tier as a referrer, or — while a referred contact has
 * no qualified deal yet — the welcome discount of a two-sided programme, whichever is higher. `standing` comes from
 * elsewhere when this state holds only the referrals the contact made (a per-referrer workflow).
 */
export function contactReferralDiscount(
  state: ReferralState,
  contactId: string,
  programme: Programme,
  standing: ReferredStanding = referredStandingIn(state, contactId),
): ContactReferralDiscount {
  if (!programme.referral.enabled) return { percent: 0, source: 'none' };
  const tier = referrerDiscount(state, contactId, programme).percent;
  const welcome = programme.referral.welcome;
  const welcomePercent = welcome?.kind === 'discount' && standing.referred && !standing.everQualified ? welcome.percent : 0;
  if (tier === 0 && welcomePercent === 0) return { percent: 0, source: 'none' };
  return welcomePercent > tier ? { percent: welcomePercent, source: 'welcome' } : { percent: tier, source: 'referrer-tier' };
}

export interface ReversalOptions {
  /** Take back the cashback the qualification granted (false: keep it, as runs from before this rule did). */
  takeBackRewards: boolean;
}

/**
 * Undoes the qualification made by `dealId` (the deal went lost or was reopened). Idempotent. Its second-level reward
 * is taken back; its welcome reward too, unless another active qualification of the same referred contact still earns
 * it (the welcome then moves there, so reversing that one later takes it back).
 */
export function reverseQualification(
  state: ReferralState,
  dealId: string,
  at: number,
  programme: Programme,
  options: ReversalOptions = { takeBackRewards: true },
): ReferralTransition {
  const qualification = state.qualifications[dealId];
  if (qualification === undefined || qualification.reversedAt !== null) {
    return { state, decision: { kind: 'reversal-ignored', dealId, at, reason: `deal ${dealId} has no active referral qualification` } };
  }
  const { referrerId, referredId } = qualification;
  const before = referrerDiscount(state, referrerId, programme).percent;
  const reversed: Qualification = { ...qualification, reversedAt: at };
  let qualifications: Record<string, Qualification> = { ...state.qualifications, [dealId]: reversed };
  const takeBack: RewardCredit[] = [];
  const held = qualification.rewards;
  if (options.takeBackRewards && held !== undefined) {
    qualifications[dealId] = { ...reversed, rewards: { welcome: null, secondLevel: null } };
    if (held.secondLevel !== null) takeBack.push(held.secondLevel);
    const heir = Object.values(qualifications).find((q) => q.referredId === referredId && q.reversedAt === null && q.rewards !== undefined);
    if (held.welcome !== null && heir?.rewards !== undefined) {
      qualifications = { ...qualifications, [heir.dealId]: { ...heir, rewards: { ...heir.rewards, welcome: held.welcome } } };
    } else if (held.welcome !== null) {
      takeBack.push(held.welcome);
    }
  }
  const next: ReferralState = { ...state, qualifications };
  const after = referrerDiscount(next, referrerId, programme);
  const takenBack = takeBack.length === 0 ? '' : `; taken back: ${takeBack.map((credit) => `${credit.reward} reward of contact ${credit.contactId}`).join(', ')}`;
  return {
    state: next,
    decision: {
      kind: 'reversed',
      dealId,
      referrerId,
      referredId,
      at,
      referrerPercentBefore: before,
      referrerPercentAfter: after.percent,
      takeBack,
      reason: `deal ${dealId} was reversed: referrer ${referrerId} has ${after.qualifiedCount} qualified referral(s), discount ${formatPercent(after.percent)}${takenBack}`,
    },
  };
}
