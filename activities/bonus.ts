import { addCommentOnce, type Bitrix24Client } from '../src/bitrix24';
import { withBitrix24Failures } from './bitrix24-failure';

export interface ContactComment {
  portal: string;
  contactId: number;
  text: string;
  /** Unique per business event: a retry finds the comment instead of adding a second one. */
  reference: string;
}

export interface CrmCommentActivities {
  commentOnContact(comment: ContactComment): Promise<number>;
}

export function createCrmCommentActivities(bitrix: Bitrix24Client): CrmCommentActivities {
  return {
    async commentOnContact({ contactId, text, reference }) {
      const input = { entityType: 'contact' as const, entityId: contactId, comment: text };
      return (await withBitrix24Failures(() => addCommentOnce(bitrix, input, reference))).id;
    },
  };
}
