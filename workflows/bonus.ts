import * as wf from '@temporalio/workflow';
import type { CrmCommentActivities } from '../activities/bonus';
import type { CustomerWorkflowActivities } from '../activities/customer-workflows';
import type { BonusKind } from '../src/domain/programme';
import { bitrix24Activities, WORKFLOW_MESSAGE } from './activity-options';
import { notifyManagerSafely } from './manager-notice';

export interface BonusRequest {
  portal: string;
  /** The caller's idempotency key: the same request id grants once. */
  requestId: string;
  contactId: number;
  kind: BonusKind;
  /** Already validated against the programme's bonus rules by the admin surface. */
  amountMinor: number;
  reason: string;
  /** Who granted it, e.g. `user:12`. */
  author: string;
  /** For the CRM comment, e.g. `500.00 RUB`. */
  amountText: string;
}

export interface BonusResult {
  requestId: string;
  contactId: number;
  kind: BonusKind;
  amountMinor: number;
  /** False when the cashback account had already been credited for this request. */
  credited: boolean;
  balanceAfterMinor: number;
  commentId: number;
  grantedAt: number;
}

const customers = wf.proxyActivities<CustomerWorkflowActivities>(WORKFLOW_MESSAGE);
const crm = bitrix24Activities<CrmCommentActivities>();

const KIND_LABEL: Record<BonusKind, string> = { review: 'Review bonus', apology: 'Apology bonus' };

/** An admin grants a review or apology bonus: credit the cashback account, tell the CRM, report back. */
export async function bonus(request: BonusRequest): Promise<BonusResult> {
  const key = `bonus:${request.requestId}`;
  const outcome = await customers.creditCashback({
    portal: request.portal,
    contactId: request.contactId,
    key,
    amountMinor: request.amountMinor,
    reason: `${KIND_LABEL[request.kind].toLowerCase()}: ${request.reason}`,
    author: request.author,
  });
  const commentId = await crm.commentOnContact({
    portal: request.portal,
    contactId: request.contactId,
    text: `${KIND_LABEL[request.kind]} ${request.amountText} credited to the bonus account by ${request.author}. Reason: ${request.reason}`,
    reference: `loyalty:${key}`,
  });
  const result: BonusResult = {
    requestId: request.requestId,
    contactId: request.contactId,
    kind: request.kind,
    amountMinor: request.amountMinor,
    credited: outcome.credited,
    balanceAfterMinor: outcome.balances.net,
    commentId,
    grantedAt: Date.now(),
  };
  // A repeated request credits nothing, so it is nothing new for the manager either.
  if (outcome.credited) {
    const { contactId, requestId, kind: bonusKind, amountMinor, author } = request;
    await notifyManagerSafely(request.portal, { kind: 'bonusGranted', contactId, requestId, bonusKind, amountMinor, author });
  }
  return result;
}
