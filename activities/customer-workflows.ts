import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import type { Programme } from '../src/domain/programme';
import { CONTACT_ID, PORTAL, PROGRAMME } from '../src/temporal/search-attributes';
import { contactWorkflowId } from '../src/temporal/workflow-ids';
import { cashback, cashbackPolicyOf, creditUpdate, type CreditOutcome, type ManualCredit } from '../workflows/cashback';

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

/** Activities that message a customer's workflows, starting them on first use. */
export interface CustomerWorkflowActivities {
  creditCashback(request: CashbackCreditRequest): Promise<CreditOutcome>;
}

export function createCustomerWorkflowActivities(deps: CustomerWorkflowDeps): CustomerWorkflowActivities {
  return {
    async creditCashback({ portal, contactId, ...credit }) {
      const start = new WithStartWorkflowOperation(cashback, {
        workflowId: contactWorkflowId(portal, 'cashback', contactId),
        taskQueue: deps.taskQueue,
        args: [{ portal, contactId, policy: cashbackPolicyOf(deps.programme.cashback, deps.programme.timeZone) }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: PORTAL, value: portal },
          { key: CONTACT_ID, value: String(contactId) },
          { key: PROGRAMME, value: 'cashback' },
        ],
      });
      // The update id makes a retried activity return the first outcome; the ledger key covers later runs.
      return deps.client.workflow.executeUpdateWithStart(creditUpdate, { args: [credit], updateId: credit.key, startWorkflowOperation: start });
    },
  };
}
