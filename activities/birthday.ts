import { contacts, type Bitrix24Client } from '../src/bitrix24';
import { withBitrix24Failures } from './bitrix24-failure';

export interface BirthdayWindowProjection {
  portal: string;
  contactId: number;
  active: boolean;
}

export interface BirthdayActivities {
  /** Sets the contact's birthday-window flag to an absolute value, so a retry is harmless. */
  projectBirthdayWindow(projection: BirthdayWindowProjection): Promise<void>;
}

export function createBirthdayActivities(bitrix: Bitrix24Client): BirthdayActivities {
  return {
    async projectBirthdayWindow({ contactId, active }) {
      await withBitrix24Failures(() => bitrix.run(contacts.update(contactId, { loyalty: { birthdayWindow: active } })));
    },
  };
}
