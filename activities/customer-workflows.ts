import { type Client, WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';
import { cashbackAmountFor, earningRulesOf } from '../src/domain/cashback-rules';
import { formatAmount } from '../src/domain/money';
import { earnsIn, foreignCurrencyReason, type Programme } from '../src/domain/programme';
import { CONTACT_ID, PORTAL, PROGRAMME } from '../src/temporal/search-attributes';
import { signalIfRunning } from '../src/temporal/workflow-messages';
import { contactWorkflowId, type ContactWorkflowKind } from '../src/temporal/workflow-ids';
import { cashback, cashbackPolicyOf, creditTakenBackSignal, creditUpdate, dealReversedSignal, dealWonSignal, type CreditOutcome, type CreditTakeBack, type ManualCredit } from '../workflows/cashback';
import { purchaseReversedSignal, purchases, purchaseWonSignal } from '../workflows/purchases';
import { ownDealReversedSignal, ownDealWonSignal } from '../workflows/referral';

export interface CustomerWorkflowDeps {
  client: Client;
  /** Where the customer workflows run. */
  taskQueue: string;
  programme: Programme;
}

export interface CashbackCreditRequest extends ManualCredit {
  portal: string;
  contactId: number;
}

export interface CreditTakeBackRequest extends CreditTakeBack {
  portal: string;
  contactId: number;
}


export interface WonDealDispatch {
  portal: string;
  dealId: number;
  pipelineId: number;
  amountMinor: number;
  /** The deal's currency (null when the portal sends none); absent in dispatches from before it was checked. */
  currency?: string | null;
  wonAt: number;
  contactIds: number[];
  primaryContactId: number | null;
}

export interface WonDealOutcome {
  /** Why the deal's amount earned and counted nothing (another currency), or null. */
  noMoney: string | null;
}

export interface ReversedDealDispatch {
  portal: string;
  dealId: number;
  at: number;
  contactIds: number[];
  primaryContactId: number | null;
  reason: string;
}

/** Activities that message a customer's workflows, starting them on first use. */
export interface CustomerWorkflowActivities {
  creditCashback(request: CashbackCreditRequest): Promise<CreditOutcome>;
  /**
   * Tells the customers of a won deal: the payer earns cashback, every contact counts a purchase, and every contact
   * in the referral programme forwards the deal to their referrer, whose workflow decides whether it qualifies.
   */
  dispatchDealWon(dispatch: WonDealDispatch): Promise<WonDealOutcome>;
  dispatchDealReversed(dispatch: ReversedDealDispatch): Promise<void>;
  /** Takes back a credit (a referral reward) by its key; an account that is not running has nothing to take back. */
  takeBackCredit(request: CreditTakeBackRequest): Promise<void>;
}

export function customerSearchAttributes(portal: string, contactId: number, kind: ContactWorkflowKind): SearchAttributePair[] {
  return [
    { key: PORTAL, value: portal },
    { key: CONTACT_ID, value: String(contactId) },
    { key: PROGRAMME, value: kind },
  ];
}

export function createCustomerWorkflowActivities(deps: CustomerWorkflowDeps): CustomerWorkflowActivities {
  const { client, taskQueue, programme } = deps;
  const cashbackStart = (portal: string, contactId: number) => ({
    workflowId: contactWorkflowId(portal, 'cashback', contactId),
    taskQueue,
    args: [{ portal, contactId, policy: cashbackPolicyOf(programme.cashback, programme.timeZone) }] as Parameters<typeof cashback>,
    typedSearchAttributes: customerSearchAttributes(portal, contactId, 'cashback'),
    staticSummary: `cashback account of contact ${contactId}`,
  });
  const purchasesStart = (portal: string, contactId: number) => ({
    workflowId: contactWorkflowId(portal, 'purchases', contactId),
    taskQueue,
    args: [{ portal, contactId, programme }] as Parameters<typeof purchases>,
    typedSearchAttributes: customerSearchAttributes(portal, contactId, 'purchases'),
    staticSummary: `purchase count of contact ${contactId}`,
  });
  const money = (minor: number) => `${formatAmount(minor, programme.currencyExponent)} ${programme.currency}`;

  return {
    async creditCashback({ portal, contactId, ...credit }) {
      const start = new WithStartWorkflowOperation(cashback, { ...cashbackStart(portal, contactId), workflowIdConflictPolicy: 'USE_EXISTING' });
      // The update id makes a retried activity return the first outcome; the ledger key covers later runs.
      try {
        return await client.workflow.executeUpdateWithStart(creditUpdate, { args: [credit], updateId: credit.key, startWorkflowOperation: start });
      } catch (error) {
        // The account refused the credit (validation): retrying cannot change that answer.
        if (error instanceof WorkflowUpdateFailedError) throw ApplicationFailure.nonRetryable(error.cause?.message ?? error.message, 'CreditRefused');
        throw error;
      }
    },

    async takeBackCredit({ portal, contactId, ...takeBack }) {
      await signalIfRunning(client, contactWorkflowId(portal, 'cashback', contactId), creditTakenBackSignal, takeBack);
    },

    async dispatchDealWon(won) {
      // An amount in another currency is not money of this programme: the deal still counts as a purchase, but earns
      // no cashback, adds nothing to the spend and meets no minimum amount.
      const foreign = foreignCurrencyReason(programme, won.currency);
      const inProgrammeCurrency = foreign === null;
      const amountMinor = inProgrammeCurrency ? won.amountMinor : 0;
      if (won.primaryContactId !== null && inProgrammeCurrency && earnsIn(programme, 'cashback', won.pipelineId)) {
        const earning = { dealAmountMinor: amountMinor, rules: earningRulesOf(programme.cashback) };
        // The account earns by `earning`; this figure is for a worker still running code from before it.
        const cashbackMinor = cashbackAmountFor(amountMinor, 0, programme.cashback);
        const reason = `cashback on deal ${won.dealId} (${money(amountMinor)})`;
        await client.workflow.signalWithStart(cashback, {
          ...cashbackStart(won.portal, won.primaryContactId),
          signal: dealWonSignal,
          signalArgs: [{ dealId: won.dealId, cashbackMinor, wonAt: won.wonAt, reason, earning }],
        });
      }
      for (const contactId of won.contactIds) {
        await client.workflow.signalWithStart(purchases, {
          ...purchasesStart(won.portal, contactId),
          signal: purchaseWonSignal,
          signalArgs: [{ dealId: won.dealId, pipelineId: won.pipelineId, wonAt: won.wonAt }],
        });
        // Only contacts in the referral programme have a referral workflow; it forwards the deal to their referrer.
        await signalIfRunning(client, contactWorkflowId(won.portal, 'referral', contactId), ownDealWonSignal, {
          dealId: won.dealId,
          pipelineId: won.pipelineId,
          amountMinor,
          wonAt: won.wonAt,
        });
      }
      return { noMoney: foreign === null ? null : `${foreign}: no cashback, no spend` };
    },

    async dispatchDealReversed(reversed) {
      if (reversed.primaryContactId !== null) {
        await client.workflow.signalWithStart(cashback, {
          ...cashbackStart(reversed.portal, reversed.primaryContactId),
          signal: dealReversedSignal,
          signalArgs: [{ dealId: reversed.dealId, at: reversed.at, reason: reversed.reason }],
        });
      }
      for (const contactId of reversed.contactIds) {
        await client.workflow.signalWithStart(purchases, {
          ...purchasesStart(reversed.portal, contactId),
          signal: purchaseReversedSignal,
          signalArgs: [{ dealId: reversed.dealId }],
        });
        await signalIfRunning(client, contactWorkflowId(reversed.portal, 'referral', contactId), ownDealReversedSignal, {
          dealId: reversed.dealId,
          at: reversed.at,
          reason: reversed.reason,
        });
      }
    },
  };
}
