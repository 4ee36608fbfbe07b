import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { contactWorkflowId, type ContactWorkflowKind } from '../temporal/workflow-ids';
import { birthdayStatusQuery, type BirthdayStatus } from '../../workflows/birthday';
import { cashbackQuery, type CashbackView } from '../../workflows/cashback';
import { purchasesQuery, type PurchasesView } from '../../workflows/purchases';

/** Everything the engine holds about one contact, read from the contact's workflows (null: none yet). */
export interface ContactLoyaltyReport {
  contactId: number;
  cashback: CashbackView | null;
  purchases: PurchasesView | null;
  birthday: BirthdayStatus | null;
}

export async function inspectContact(client: Client, portal: string, contactId: number): Promise<ContactLoyaltyReport> {
  const query = async <T>(kind: ContactWorkflowKind, run: (id: string) => Promise<T>): Promise<T | null> => {
    try {
      return await run(contactWorkflowId(portal, kind, contactId));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  };
  const [cashback, purchases, birthday] = await Promise.all([
    query('cashback', (id) => client.workflow.getHandle(id).query(cashbackQuery)),
    query('purchases', (id) => client.workflow.getHandle(id).query(purchasesQuery)),
    query('birthday', (id) => client.workflow.getHandle(id).query(birthdayStatusQuery)),
  ]);
  return { contactId, cashback, purchases, birthday };
}
