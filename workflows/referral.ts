import * as wf from '@temporalio/workflow';
import type { CrmCommentActivities } from '../activities/bonus';
import type { CustomerWorkflowActivities } from '../activities/customer-workflows';
import type { ReferralActivities } from '../activities/referral';
import { formatAmount } from '../src/domain/money';
import type { LoyaltyNotification } from '../src/domain/notifications';
import { formatPercent, type Programme } from '../src/domain/programme';
import { programmeFingerprint } from '../src/domain/programme-fingerprint';
import {
  ancestorsOf,
  contactReferralDiscount,
  emptyReferralState,
  linkReferral,
  qualifyReferral,
  referrerDiscount,
  reverseQualification,
  type ContactReferralDiscount,
  type Qualification,
  type ReferralDecision,
  type ReferralState,
  type RewardCredit,
  type WonDeal,
} from '../src/domain/referral';
import { bitrix24Activities, WORKFLOW_MESSAGE } from './activity-options';
import { PROJECTION_RETRY_MS, projectSafely } from './crm-projection';
import { notifyManagerSafely } from './manager-notice';
import { legacyReferral, type LegacyReferralInput, type LegacyReferralState } from './referral-legacy';

/**
 * One workflow per contact (id `contactWorkflowId(portal, 'referral', id)`), started when the contact refers someone
 * or is referred. As a referrer it owns the links it made and their qualifications (src/domain/referral.ts decides);
 * as a referred contact it knows its own referrer, forwards its won and reversed deals there, and answers its
 * welcome discount. The deal workflow asks every contact's referral workflow for `referralDiscountQuery`.
 */
export interface ReferralInput {
  portal: string;
  contactId: number;
  /** The programme as of the start; `programmeChangedSignal` replaces it, and the replacement is carried on. */
  programme: Programme;
  /** Carried across continue-as-new. */
  carried?: ReferralMemory;
}

export interface ReferralMemory {
  /** The links this contact made and their qualifications, plus the link that brought this contact in. */
  referrals: ReferralState;
  /** As a referred contact: a deal of theirs qualified at least once (the referrer's workflow says so). */
  everQualified: boolean;
  /** This contact's own won deals that were not reversed, to tell a first deal. */
  ownWonDealIds: number[];
  /** This contact had won deals before the link (the facts the link was decided with). */
  hadWonDealsBeforeLink: boolean;
  projected: ReferralProjection | null;
  history: ReferralHistoryEntry[];
  /** Work decided but not yet done: carried so none is lost across continue-as-new. */
  outbox: ReferralEffect[];
  deleted: boolean;
}

export interface ReferralProjection {
  referralCount: number;
  discountBasisPoints: number;
}

export type ReferralHistoryEvent =
  | ReferralDecision['kind']
  | 'referred-by'
  | 'own-deal-won'
  | 'own-deal-reversed'
  | 'reward-credited'
  | 'reward-taken-back'
  | 'effect-failed'
  | 'contact-deleted'
  | 'programme-changed';

export interface ReferralHistoryEntry {
  at: number;
  event: ReferralHistoryEvent;
  reason: string;
  decision?: ReferralDecision;
}

export type ReferralEffect =
  | { kind: 'comment'; contactId: number; text: string; reference: string }
  | { kind: 'credit'; contactId: number; key: string; amountMinor: number; reason: string }
  | { kind: 'take-back'; contactId: number; key: string; at: number; reason: string }
  | { kind: 'forward-won'; referrerId: number; deal: WonDeal }
  | { kind: 'forward-reversed'; referrerId: number; dealId: string; at: number }
  | { kind: 'tell-referred'; referredId: number; dealId: string }
  | { kind: 'notify'; notification: LoyaltyNotification };

/** The contact's current referral discount, read by the deal workflow when it applies discounts. */
export interface ReferralDiscount {
  percentBasisPoints: number;
  reason: string;
}

export interface ReferralView {
  contactId: number;
  referrerId: number | null;
  referred: { contactId: number; linkedAt: number }[];
  qualifications: Qualification[];
  discount: ContactReferralDiscount & { qualifiedCount: number; reason: string };
  history: ReferralHistoryEntry[];
}

export interface LinkReferredRequest {
  referredId: number;
  at: number;
  referredIsExistingCustomer: boolean;
  /** This contact's referrers above its own, nearest first, read from their workflows. */
  referrerAncestors: string[];
  /** The referred contact's referrer as its own workflow knows it. */
  referredCurrentReferrerId: string | null;
}

export interface ReferrerLinked {
  referrerId: number;
  linkedAt: number;
  hadWonDeals: boolean;
}

export interface OwnDealWon {
  dealId: number;
  pipelineId: number;
  amountMinor: number;
  wonAt: number;
}

export interface OwnDealReversed {
  dealId: number;
  at: number;
  reason: string;
}

/** A referrer decides on a contact it referred: the decision comes back to the contact workflow for its history. */
export const linkReferredUpdate = wf.defineUpdate<ReferralDecision, [LinkReferredRequest]>('linkReferred');
/** This contact was linked to its referrer (by the referrer's workflow decision). */
export const referrerLinkedSignal = wf.defineSignal<[ReferrerLinked]>('referrerLinked');
export const ownDealWonSignal = wf.defineSignal<[OwnDealWon]>('ownDealWon');
export const ownDealReversedSignal = wf.defineSignal<[OwnDealReversed]>('ownDealReversed');
/** From a referred contact's workflow: one of their deals was won, or stopped being won. */
export const referredDealWonSignal = wf.defineSignal<[WonDeal]>('referredDealWon');
export const referredDealReversedSignal = wf.defineSignal<[{ dealId: string; at: number }]>('referredDealReversed');
/** From the referrer's workflow: a deal of this contact qualified (a welcome discount ends). */
export const qualifiedAsReferredSignal = wf.defineSignal<[{ dealId: string }]>('qualifiedAsReferred');
export const contactDeletedSignal = wf.defineSignal('contactDeleted');
/**
 * The rules changed (a programme rollout): the discount tier is recomputed from the referrals already qualified
 * under the new thresholds, and later decisions follow the new rules. Qualifications already decided stay decided and
 * rewards already paid stay paid. The same programme again changes nothing.
 */
export const programmeChangedSignal = wf.defineSignal<[Programme]>('programmeChanged');
export const referralStatusQuery = wf.defineQuery<ReferralView>('referralStatus');
export const referralDiscountQuery = wf.defineQuery<ReferralDiscount>('referralDiscount');

/** Runs recorded before the programme-based workflow have no marker and replay through `legacyReferral`. */
export const REFERRAL_PROGRAMME_PATCH = 'referral-programme';
/** A reversed qualification takes back its welcome and second-level cashback (issue #5); earlier runs kept them. */
const REVERSAL_TAKES_BACK_PATCH = 'referral-reversal-takes-back';
/**
 * The standing is written to the contact before the comments, credits and notices a decision causes: those queue at
 * the portal's request rate and used to hold the discount a manager filters by for seconds. Earlier runs wrote it last.
 */
const STANDING_FIRST_PATCH = 'referral-standing-first';
/** A rules change that lifts the referrer to a higher tier tells the manager, as reaching it by a referral does. */
const RULES_RAISE_NOTICE_PATCH = 'referral-rules-raise-notice';

const HISTORY_KEPT = 300;

const referralCalls = wf.proxyActivities<ReferralActivities>(WORKFLOW_MESSAGE);
const customers = wf.proxyActivities<CustomerWorkflowActivities>(WORKFLOW_MESSAGE);
const crm = bitrix24Activities<CrmCommentActivities>();
const projections = bitrix24Activities<ReferralActivities>();

function isLegacyInput(input: ReferralInput | LegacyReferralInput): input is LegacyReferralInput {
  return 'thresholds' in input;
}

function emptyMemory(): ReferralMemory {
  return {
    referrals: emptyReferralState(),
    everQualified: false,
    ownWonDealIds: [],
    hadWonDealsBeforeLink: false,
    projected: null,
    history: [],
    outbox: [],
    deleted: false,
  };
}

export async function referral(input: ReferralInput | LegacyReferralInput): Promise<ReferralMemory | LegacyReferralState> {
  if (!wf.patched(REFERRAL_PROGRAMME_PATCH) || isLegacyInput(input)) return legacyReferral(input as LegacyReferralInput);
  return referralProgramme(input);
}

async function referralProgramme(input: ReferralInput): Promise<ReferralMemory> {
  let programme = input.programme;
  const self = String(input.contactId);
  const memory = input.carried ?? emptyMemory();
  const inbox: (() => void)[] = [];
  let projectionRetryAt: number | null = null;
  const standingFirst = wf.patched(STANDING_FIRST_PATCH);

  const record = (event: ReferralHistoryEvent, reason: string, decision?: ReferralDecision): void => {
    memory.history.push({ at: Date.now(), event, reason, ...(decision === undefined ? {} : { decision }) });
    if (memory.history.length > HISTORY_KEPT) memory.history.shift();
  };
  const decide = (transition: { state: ReferralState; decision: ReferralDecision }): ReferralDecision => {
    memory.referrals = transition.state;
    record(transition.decision.kind, transition.decision.reason, transition.decision);
    memory.outbox.push(...effectsOf(transition.decision, programme), ...noticesOf(transition.decision, transition.state, programme));
    return transition.decision;
  };
  const referrerOfSelf = (): number | null => {
    const link = memory.referrals.links[self];
    return link === undefined ? null : Number(link.referrerId);
  };

  wf.setHandler(linkReferredUpdate, (request) =>
    decide(
      linkReferral(
        memory.referrals,
        {
          referrerId: self,
          referredId: String(request.referredId),
          at: request.at,
          referredIsExistingCustomer: request.referredIsExistingCustomer,
          referrerAncestors: [...ancestorsOf(memory.referrals, self), ...request.referrerAncestors],
          referredCurrentReferrerId: request.referredCurrentReferrerId,
        },
        programme,
      ),
    ),
  );
  wf.setHandler(referrerLinkedSignal, (linked) =>
    void inbox.push(() => {
      if (memory.referrals.links[self] !== undefined) return;
      const link = { referrerId: String(linked.referrerId), referredId: self, linkedAt: linked.linkedAt };
      memory.referrals = { ...memory.referrals, links: { ...memory.referrals.links, [self]: link } };
      memory.hadWonDealsBeforeLink = linked.hadWonDeals;
      record('referred-by', `referred by contact ${linked.referrerId}`);
    }),
  );
  wf.setHandler(ownDealWonSignal, (won) => void inbox.push(() => ownDealWon(won)));
  wf.setHandler(ownDealReversedSignal, (reversed) => void inbox.push(() => ownDealReversed(reversed)));
  wf.setHandler(referredDealWonSignal, (deal) => void inbox.push(() => decide(qualifyReferral(memory.referrals, deal, programme))));
  wf.setHandler(referredDealReversedSignal, ({ dealId, at }) =>
    void inbox.push(() => decide(reverseQualification(memory.referrals, dealId, at, programme, { takeBackRewards: wf.patched(REVERSAL_TAKES_BACK_PATCH) }))),
  );
  wf.setHandler(qualifiedAsReferredSignal, () => void inbox.push(() => void (memory.everQualified = true)));
  wf.setHandler(contactDeletedSignal, () =>
    void inbox.push(() => {
      memory.deleted = true;
      record('contact-deleted', 'the contact was deleted in the CRM');
    }),
  );
  wf.setHandler(programmeChangedSignal, (next) => void inbox.push(() => adoptProgramme(next)));
  wf.setHandler(referralStatusQuery, () => viewOf(input.contactId, memory, programme));
  wf.setHandler(referralDiscountQuery, () => {
    const { percent, reason } = viewOf(input.contactId, memory, programme).discount;
    return { percentBasisPoints: percent, reason };
  });

  function adoptProgramme(next: Programme): void {
    if (programmeFingerprint(next) === programmeFingerprint(programme)) return;
    const before = viewOf(input.contactId, memory, programme).discount.percent;
    programme = next;
    const { percent, qualifiedCount, source } = viewOf(input.contactId, memory, programme).discount;
    record('programme-changed', `the programme changed: referral discount ${formatPercent(before)} → ${formatPercent(percent)} with ${qualifiedCount} qualified referral(s); rewards already paid stay`);
    if (source === 'referrer-tier' && percent > before && wf.patched(RULES_RAISE_NOTICE_PATCH)) {
      memory.outbox.push(tierReachedNotice(input.contactId, qualifiedCount, percent));
    }
  }

  function ownDealWon(won: OwnDealWon): void {
    if (memory.ownWonDealIds.includes(won.dealId)) return;
    const isFirstWonDeal = !memory.hadWonDealsBeforeLink && memory.ownWonDealIds.length === 0;
    memory.ownWonDealIds.push(won.dealId);
    const referrerId = referrerOfSelf();
    if (referrerId === null) return;
    const deal: WonDeal = { dealId: String(won.dealId), contactId: self, pipelineId: won.pipelineId, amountMinor: won.amountMinor, wonAt: won.wonAt, isFirstWonDeal };
    memory.outbox.push({ kind: 'forward-won', referrerId, deal });
    record('own-deal-won', `deal ${won.dealId} won${isFirstWonDeal ? ' (first)' : ''}: told referrer ${referrerId}`);
  }

  function ownDealReversed(reversed: OwnDealReversed): void {
    if (!memory.ownWonDealIds.includes(reversed.dealId)) return;
    memory.ownWonDealIds = memory.ownWonDealIds.filter((id) => id !== reversed.dealId);
    const referrerId = referrerOfSelf();
    if (referrerId === null) return;
    memory.outbox.push({ kind: 'forward-reversed', referrerId, dealId: String(reversed.dealId), at: reversed.at });
    record('own-deal-reversed', `deal ${reversed.dealId} reversed (${reversed.reason}): told referrer ${referrerId}`);
  }

  async function runEffects(): Promise<void> {
    while (memory.outbox.length > 0) {
      const effect = memory.outbox[0]!;
      try {
        await perform(input.portal, effect, record);
      } catch (error) {
        // Refused for good (contact gone, credit refused): recorded, and the rest of the work goes on.
        if (!(error instanceof wf.ActivityFailure)) throw error;
        record('effect-failed', `${effect.kind}: ${error.cause?.message ?? error.message}`);
      }
      memory.outbox.shift();
    }
  }

  async function project(): Promise<void> {
    const view = viewOf(input.contactId, memory, programme);
    const current = { referralCount: view.discount.qualifiedCount, discountBasisPoints: view.discount.percent };
    const last = memory.projected ?? { referralCount: 0, discountBasisPoints: 0 };
    if (last.referralCount === current.referralCount && last.discountBasisPoints === current.discountBasisPoints) return;
    const written = await projectSafely(() => projections.projectReferralStanding({ portal: input.portal, contactId: input.contactId, ...current }));
    if (written) memory.projected = current;
    projectionRetryAt = written ? null : Date.now() + PROJECTION_RETRY_MS;
  }

  const wake = (): boolean => inbox.length > 0 || memory.outbox.length > 0 || wf.workflowInfo().continueAsNewSuggested;
  for (;;) {
    if (projectionRetryAt === null) await wf.condition(wake);
    else await wf.condition(wake, Math.max(projectionRetryAt - Date.now(), 1));
    while (inbox.length > 0) inbox.shift()!();
    if (standingFirst && !memory.deleted) await project();
    await runEffects();
    if (memory.deleted) {
      // Nothing is projected onto a deleted contact; the rewards and messages above still reached the others.
      await wf.condition(wf.allHandlersFinished);
      return memory;
    }
    if (!standingFirst) await project();
    if (wf.workflowInfo().continueAsNewSuggested) {
      await wf.condition(wf.allHandlersFinished);
      if (inbox.length > 0 || memory.outbox.length > 0) continue;
      await wf.continueAsNew<typeof referralProgramme>({ ...input, programme, carried: memory });
    }
  }
}

async function perform(portal: string, effect: ReferralEffect, record: (event: ReferralHistoryEvent, reason: string) => void): Promise<void> {
  switch (effect.kind) {
    case 'comment':
      await crm.commentOnContact({ portal, contactId: effect.contactId, text: effect.text, reference: effect.reference });
      return;
    case 'credit': {
      const outcome = await customers.creditCashback({ portal, contactId: effect.contactId, key: effect.key, amountMinor: effect.amountMinor, reason: effect.reason, author: 'referral programme' });
      record('reward-credited', `${effect.reason}: ${outcome.credited ? 'credited' : 'already credited'} (${effect.key})`);
      return;
    }
    case 'take-back':
      await customers.takeBackCredit({ portal, contactId: effect.contactId, key: effect.key, at: effect.at, reason: effect.reason });
      record('reward-taken-back', `${effect.reason} (${effect.key})`);
      return;
    case 'forward-won':
      await referralCalls.sendReferredDealWon({ portal, referrerId: effect.referrerId, deal: effect.deal });
      return;
    case 'forward-reversed':
      await referralCalls.sendReferredDealReversed({ portal, referrerId: effect.referrerId, dealId: effect.dealId, at: effect.at });
      return;
    case 'tell-referred':
      await referralCalls.tellQualifiedAsReferred({ portal, referredId: effect.referredId, dealId: effect.dealId });
      return;
    case 'notify':
      await notifyManagerSafely(portal, effect.notification);
      return;
  }
}

/** What the referrer's manager hears of: each new referral, and each referral discount tier the referrer reaches. */
function noticesOf(decision: ReferralDecision, state: ReferralState, programme: Programme): ReferralEffect[] {
  const notify = (notification: LoyaltyNotification): ReferralEffect[] => [{ kind: 'notify', notification }];
  if (decision.kind === 'linked') return notify({ kind: 'referralNew', contactId: Number(decision.referrerId), referredContactId: Number(decision.referredId) });
  if (decision.kind === 'qualified' && decision.referrerPercentAfter > decision.referrerPercentBefore) {
    const { qualifiedCount } = referrerDiscount(state, decision.referrerId, programme);
    return [tierReachedNotice(Number(decision.referrerId), qualifiedCount, decision.referrerPercentAfter)];
  }
  return [];
}

/** The referrer reached a higher referral discount tier, by a referral or by a rules change. */
function tierReachedNotice(referrerId: number, qualifiedReferrals: number, percent: number): ReferralEffect {
  return { kind: 'notify', notification: { kind: 'thresholdReached', contactId: referrerId, qualifiedReferrals, percent } };
}

/** The CRM comments, rewards and messages a decision leads to. Every one carries its own idempotency key. */
function effectsOf(decision: ReferralDecision, programme: Programme): ReferralEffect[] {
  const money = (minor: number) => `${formatAmount(minor, programme.currencyExponent)} ${programme.currency}`;
  const comment = (contactId: string, text: string, reference: string): ReferralEffect => ({ kind: 'comment', contactId: Number(contactId), text, reference: `loyalty:referral:${reference}` });
  switch (decision.kind) {
    case 'linked':
      return [
        comment(decision.referredId, `Referred by contact ${decision.referrerId} (referral programme).`, `link:${decision.referredId}`),
        comment(decision.referrerId, `Contact ${decision.referredId} joined through this contact's referral.`, `link:${decision.referredId}:referrer`),
      ];
    case 'link-rejected':
      if (decision.rejection === 'duplicate') return [];
      return [comment(decision.referredId, `Referral by contact ${decision.referrerId} not accepted: ${decision.reason}.`, `rejected:${decision.referredId}:${decision.referrerId}:${decision.at}`)];
    case 'qualified': {
      const tierChange = decision.referrerPercentAfter === decision.referrerPercentBefore ? '' : ` Referral discount ${formatPercent(decision.referrerPercentBefore)} → ${formatPercent(decision.referrerPercentAfter)}.`;
      const effects: ReferralEffect[] = [
        comment(decision.referrerId, `Referral qualified: ${decision.reason}.${tierChange}`, `qualified:${decision.dealId}:${decision.at}`),
        { kind: 'tell-referred', referredId: Number(decision.referredId), dealId: decision.dealId },
      ];
      for (const credit of decision.credits) {
        const reason = rewardReason(credit, decision);
        effects.push(
          { kind: 'credit', contactId: Number(credit.contactId), key: credit.key, amountMinor: credit.amountMinor, reason },
          comment(credit.contactId, credit.reward === 'welcome' ? `Welcome reward ${money(credit.amountMinor)} cashback credited: ${reason}.` : `${money(credit.amountMinor)} cashback credited: ${reason}.`, rewardReference(credit)),
        );
      }
      return effects;
    }
    case 'reversed':
      return [
        comment(decision.referrerId, `Referral qualification reversed: ${decision.reason}.`, `reversed:${decision.dealId}:${decision.at}`),
        ...decision.takeBack.flatMap((credit): ReferralEffect[] => {
          const reason = `${credit.reward} reward taken back: deal ${decision.dealId} of contact ${decision.referredId} was reversed`;
          return [
            { kind: 'take-back', contactId: Number(credit.contactId), key: credit.key, at: decision.at, reason },
            comment(credit.contactId, `${money(credit.amountMinor)} cashback taken back: ${reason}.`, `taken-back:${credit.key}`),
          ];
        }),
      ];
    case 'not-qualified':
    case 'reversal-ignored':
      return [];
  }
}

function rewardReason(credit: RewardCredit, decision: { dealId: string; referrerId: string; referredId: string }): string {
  return credit.reward === 'welcome'
    ? `welcome reward for joining through contact ${decision.referrerId}'s referral`
    : `second-level referral reward: deal ${decision.dealId} of contact ${decision.referredId}, referred by contact ${decision.referrerId}`;
}

/** `welcome:<referred>` / `second-level:<deal>` (plus the key's suffix for a reward granted again): one comment per credit. */
function rewardReference(credit: RewardCredit): string {
  return credit.key.replace(/^referral-/, '');
}

function viewOf(contactId: number, memory: ReferralMemory, programme: Programme): ReferralView {
  const self = String(contactId);
  const state = memory.referrals;
  const standing = { referred: state.links[self] !== undefined, everQualified: memory.everQualified };
  const discount = contactReferralDiscount(state, self, programme, standing);
  const tier = referrerDiscount(state, self, programme);
  const referrerId = state.links[self]?.referrerId;
  return {
    contactId,
    referrerId: referrerId === undefined ? null : Number(referrerId),
    referred: Object.values(state.links)
      .filter((link) => link.referrerId === self)
      .map((link) => ({ contactId: Number(link.referredId), linkedAt: link.linkedAt })),
    qualifications: Object.values(state.qualifications),
    discount: { ...discount, qualifiedCount: tier.qualifiedCount, reason: discountReason(discount, tier, referrerId, memory.history) },
    history: memory.history,
  };
}

/** Answers "why does this contact have this referral discount?" from the tier and the last decision that moved it. */
function discountReason(
  discount: ContactReferralDiscount,
  tier: ReturnType<typeof referrerDiscount>,
  referrerId: string | undefined,
  history: readonly ReferralHistoryEntry[],
): string {
  const counted = `${tier.qualifiedCount} qualified referral(s)`;
  const next = tier.next === null ? '' : `; ${tier.next.atLeast} needed for ${formatPercent(tier.next.percent)}`;
  if (discount.source === 'welcome') return `${formatPercent(discount.percent)} welcome discount: referred by contact ${referrerId ?? '?'}, no qualified deal yet`;
  if (discount.source === 'none') return `no referral discount: ${counted}${next}`;
  const lastChange = [...history].reverse().find((entry) => entry.event === 'qualified' || entry.event === 'reversed' || entry.event === 'programme-changed');
  const because = lastChange === undefined ? '' : `; last change: ${lastChange.reason}`;
  return `${formatPercent(discount.percent)} referral discount: ${counted} reached the tier of ${tier.reached?.atLeast ?? '?'}${next}${because}`;
}
