import { contacts, type Bitrix24Client } from '../src/bitrix24';
import { withBitrix24Failures } from './bitrix24-failure';

export interface CashbackBalanceProjection {
  portal: string;
  contactId: number;
  /** Net balance in minor units (may be negative while debt is outstanding). */
  balanceMinor: number;
}

export interface CashbackActivities {
  /** Writes the absolute balance, so repeating it is harmless. */
  projectCashbackBalance(projection: CashbackBalanceProjection): Promise<void>;
}

export function createCashbackActivities(bitrix: Bitrix24Client): CashbackActivities {
  return {
    async projectCashbackBalance({ contactId, balanceMinor }) {
      const patch = { loyalty: { cashbackBalanceMinor: balanceMinor } };
      await withBitrix24Failures(() => bitrix.run(contacts.update(contactId, patch)));
    },
  };
}
