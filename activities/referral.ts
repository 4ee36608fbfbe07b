import { type Client, WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { contacts, type Bitrix24Client } from '../src/bitrix24';
import type { Programme } from '../src/domain/programme';
import type { ReferralDecision, WonDeal } from '../src/domain/referral';
import { contactWorkflowId } from '../src/temporal/workflow-ids';
import { purchasesQuery } from '../workflows/purchases';
import {
  contactDeletedSignal,
  linkReferredUpdate,
  qualifiedAsReferredSignal,
  referral,
  referralStatusQuery,
  referredDealReversedSignal,
  referredDealWonSignal,
  referrerLinkedSignal,
  type ReferralInput,
} from '../workflows/referral';
import { withBitrix24Failures } from './bitrix24-failure';
import { queryIfPresent, signalIfRunning } from '../src/temporal/workflow-messages';
import { customerSearchAttributes } from './customer-workflows';

/** What the legacy referral workflow (workflows/referral-legacy.ts) writes. */
export interface ReferrerProjection {
  portal: string;
  referrerContactId: number;
  qualifiedReferrals: number;
  discountPercent: number;
}

export interface LegacyReferralActivities {
  projectReferrerStatus(projection: ReferrerProjection): Promise<void>;
}

export interface ReferralStandingProjection {
  portal: string;
  contactId: number;
  referralCount: number;
  discountBasisPoints: number;
}

export interface ReferrerLinkRequest {
  portal: string;
  referredId: number;
  referrerId: number;
  /** When the contact workflow saw the referrer field: the link's time and part of its idempotency key. */
  at: number;
}

/** The referrer workflow's decision, or `unchanged` when the contact is already linked to exactly this referrer. */
export type ReferrerLinkOutcome = ReferralDecision | { kind: 'unchanged'; reason: string };

export interface ReferralActivities {
  /** Absolute values, so a retry is harmless. */
  projectReferralStanding(projection: ReferralStandingProjection): Promise<void>;
  /** Gathers the facts a link needs from the other contacts' workflows and asks the referrer's workflow to decide. */
  linkReferrer(request: ReferrerLinkRequest): Promise<ReferrerLinkOutcome>;
  sendReferredDealWon(message: { portal: string; referrerId: number; deal: WonDeal }): Promise<void>;
  sendReferredDealReversed(message: { portal: string; referrerId: number; dealId: string; at: number }): Promise<void>;
  tellQualifiedAsReferred(message: { portal: string; referredId: number; dealId: string }): Promise<void>;
  /** The contact was deleted: its referral workflow (if any) records it and ends. */
  closeReferral(request: { portal: string; contactId: number }): Promise<void>;
}

export interface ReferralActivityDeps {
  bitrix: Bitrix24Client;
  client: Client;
  taskQueue: string;
  programme: Programme;
}

/** Referral chains are short; a longer walk means corrupt data, not a real chain. */
const MAX_ANCESTORS = 50;

export function createReferralActivities(deps: ReferralActivityDeps): ReferralActivities & LegacyReferralActivities {
  const { bitrix, client, taskQueue, programme } = deps;
  const referralId = (portal: string, contactId: number) => contactWorkflowId(portal, 'referral', contactId);
  const referralStart = (portal: string, contactId: number) => ({
    workflowId: referralId(portal, contactId),
    taskQueue,
    args: [{ portal, contactId, programme } satisfies ReferralInput] as Parameters<typeof referral>,
    typedSearchAttributes: customerSearchAttributes(portal, contactId, 'referral'),
  });
  const referrerOf = async (portal: string, contactId: number): Promise<number | null> =>
    // A legacy run answers another shape, without `referrerId`: it knows no referrer.
    (await queryIfPresent(client, referralId(portal, contactId), referralStatusQuery, null))?.referrerId ?? null;

  async function ancestorsOf(portal: string, referrerId: number): Promise<string[]> {
    const chain: string[] = [];
    let current = await referrerOf(portal, referrerId);
    while (current !== null && current !== referrerId && !chain.includes(String(current)) && chain.length < MAX_ANCESTORS) {
      chain.push(String(current));
      current = await referrerOf(portal, current);
    }
    return chain;
  }

  return {
    async projectReferralStanding({ contactId, referralCount, discountBasisPoints }) {
      await withBitrix24Failures(() => bitrix.run(contacts.update(contactId, { loyalty: { referralCount, discountBasisPoints } })));
    },

    async projectReferrerStatus(projection) {
      const patch = { loyalty: { referralCount: projection.qualifiedReferrals, discountBasisPoints: Math.round(projection.discountPercent * 100) } };
      await withBitrix24Failures(() => bitrix.run(contacts.update(projection.referrerContactId, patch)));
    },

    async linkReferrer({ portal, referredId, referrerId, at }) {
      const currentReferrer = await referrerOf(portal, referredId);
      if (currentReferrer === referrerId) return { kind: 'unchanged', reason: `contact ${referredId} is already linked to referrer ${referrerId}` };
      const purchases = await queryIfPresent(client, contactWorkflowId(portal, 'purchases', referredId), purchasesQuery, null);
      const referredIsExistingCustomer = (purchases?.count ?? 0) > 0;
      const request = {
        referredId,
        at,
        referredIsExistingCustomer,
        referrerAncestors: await ancestorsOf(portal, referrerId),
        referredCurrentReferrerId: currentReferrer === null ? null : String(currentReferrer),
      };
      const start = new WithStartWorkflowOperation(referral, { ...referralStart(portal, referrerId), workflowIdConflictPolicy: 'USE_EXISTING' });
      let decision: ReferralDecision;
      try {
        // The update id makes a retried activity get the first decision back instead of a "duplicate" one.
        decision = await client.workflow.executeUpdateWithStart(linkReferredUpdate, { args: [request], updateId: `link:${referredId}:${referrerId}:${at}`, startWorkflowOperation: start });
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) throw ApplicationFailure.nonRetryable(error.cause?.message ?? error.message, 'LinkRefused');
        throw error;
      }
      // "Already linked to this referrer" is an earlier attempt whose link took but whose message to the referred
      // contact may not have (a crash in between, and the referrer's run moved on so the update id was forgotten):
      // the message is idempotent, so it is sent again.
      const alreadyLinked = decision.kind === 'link-rejected' && decision.rejection === 'duplicate';
      if (decision.kind === 'linked' || alreadyLinked) {
        await client.workflow.signalWithStart(referral, {
          ...referralStart(portal, referredId),
          signal: referrerLinkedSignal,
          signalArgs: [{ referrerId, linkedAt: at, hadWonDeals: referredIsExistingCustomer }],
        });
      }
      return alreadyLinked ? { kind: 'unchanged', reason: decision.reason } : decision;
    },

    async sendReferredDealWon({ portal, referrerId, deal }) {
      await client.workflow.signalWithStart(referral, { ...referralStart(portal, referrerId), signal: referredDealWonSignal, signalArgs: [deal] });
    },

    async sendReferredDealReversed({ portal, referrerId, dealId, at }) {
      await client.workflow.signalWithStart(referral, { ...referralStart(portal, referrerId), signal: referredDealReversedSignal, signalArgs: [{ dealId, at }] });
    },

    async tellQualifiedAsReferred({ portal, referredId, dealId }) {
      await client.workflow.signalWithStart(referral, { ...referralStart(portal, referredId), signal: qualifiedAsReferredSignal, signalArgs: [{ dealId }] });
    },

    async closeReferral({ portal, contactId }) {
      await signalIfRunning(client, referralId(portal, contactId), contactDeletedSignal);
    },
  };
}
