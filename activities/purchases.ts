import { contacts, type Bitrix24Client } from '../src/bitrix24';
import { withBitrix24Failures } from './bitrix24-failure';

export interface PurchaseCountProjection {
  portal: string;
  contactId: number;
  purchaseCount: number;
}

export interface PurchaseActivities {
  /** Writes the absolute count, so a retry is harmless. */
  projectPurchaseCount(projection: PurchaseCountProjection): Promise<void>;
}

export function createPurchaseActivities(bitrix: Bitrix24Client): PurchaseActivities {
  return {
    async projectPurchaseCount({ contactId, purchaseCount }) {
      await withBitrix24Failures(() => bitrix.run(contacts.update(contactId, { loyalty: { purchaseCount } })));
    },
  };
}
