import { type Client, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { CustomerGroup } from '../src/domain/programme';
import { CONTACT_ID, PORTAL, PROGRAMME } from '../src/temporal/search-attributes';
import { contactWorkflowId, groupDiscountUsageWorkflowId } from '../src/temporal/workflow-ids';
import { redeemUpdate, returnRedemptionUpdate } from '../workflows/cashback';
import { groupDiscountUsage, recordGroupGrantUpdate, releaseGroupGrantsSignal } from '../workflows/group-discount-usage';

export interface CashbackDebit {
  portal: string;
  contactId: number;
  /** Idempotency key of the redemption, e.g. `deal:42#1` (the account keeps it as `redeem:deal:42#1`). */
  key: string;
  amountMinor: number;
  reason: string;
}

export type RedemptionAnswer = { accepted: true } | { accepted: false; reason: string };

export interface GroupGrantRequest {
  portal: string;
  contactId: number;
  dealId: number;
  day: string;
  group: CustomerGroup;
  requestedMinor: number;
}

/** Messages from a deal workflow to the customer workflows that hold what a discount uses up. */
export interface DealDiscountMessageActivities {
  /** Debits the payer's cashback account; a refusal (balance, validation) is an answer, not a failure. */
  redeemCashback(debit: CashbackDebit): Promise<RedemptionAnswer>;
  /** Gives a redemption back onto the lots it came from (once), when its deal is lost, deleted or re-planned. */
  returnCashback(debit: CashbackDebit): Promise<void>;
  /** Records the deal's group discount for the day, capped by the daily limit; answers what was allowed. */
  recordGroupGrant(request: GroupGrantRequest): Promise<{ allowedMinor: number }>;
  releaseGroupGrants(request: { portal: string; contactIds: number[]; dealId: number }): Promise<void>;
}

const ENGINE_AUTHOR = 'loyalty-engine';

function searchAttributes(portal: string, contactId: number): SearchAttributePair[] {
  return [
    { key: PORTAL, value: portal },
    { key: CONTACT_ID, value: String(contactId) },
    { key: PROGRAMME, value: 'group-discount-usage' },
  ];
}

export function createDealDiscountMessageActivities(deps: { client: Client; taskQueue: string }): DealDiscountMessageActivities {
  const { client, taskQueue } = deps;
  const cashbackAccount = (portal: string, contactId: number) => client.workflow.getHandle(contactWorkflowId(portal, 'cashback', contactId));

  return {
    async redeemCashback({ portal, contactId, key, amountMinor, reason }) {
      try {
        // The update id makes a retried activity get the first answer; the ledger key covers everything later.
        await cashbackAccount(portal, contactId).executeUpdate(redeemUpdate, { args: [{ key, amountMinor, reason }], updateId: `redeem:${key}` });
        return { accepted: true };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return { accepted: false, reason: 'the contact has no cashback account yet' };
        if (error instanceof WorkflowUpdateFailedError) return { accepted: false, reason: error.cause?.message ?? error.message };
        throw error;
      }
    },

    async returnCashback({ portal, contactId, key, reason }) {
      const given = { key, reason, author: ENGINE_AUTHOR };
      await cashbackAccount(portal, contactId).executeUpdate(returnRedemptionUpdate, { args: [given], updateId: `return:${key}` });
    },

    async recordGroupGrant({ portal, contactId, dealId, day, group, requestedMinor }) {
      const workflowId = groupDiscountUsageWorkflowId(portal, contactId);
      const start = new WithStartWorkflowOperation(groupDiscountUsage, {
        workflowId,
        taskQueue,
        args: [{ portal, contactId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: searchAttributes(portal, contactId),
      });
      const allowance = await client.workflow.executeUpdateWithStart(recordGroupGrantUpdate, {
        args: [{ dealId, day, group, requestedMinor }],
        startWorkflowOperation: start,
      });
      return { allowedMinor: allowance.allowedMinor };
    },

    async releaseGroupGrants({ portal, contactIds, dealId }) {
      for (const contactId of contactIds) {
        try {
          await client.workflow.getHandle(groupDiscountUsageWorkflowId(portal, contactId)).signal(releaseGroupGrantsSignal, { dealId });
        } catch (error) {
          // No usage workflow (never granted, or it ended with nothing held): nothing to give back.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
    },
  };
}
