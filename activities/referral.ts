import { contacts, type Bitrix24Client } from '../src/bitrix24';
import { withBitrix24Failures } from './bitrix24-failure';

/** What the referral workflow asks of the CRM. Implementations write absolute values, so a retry is harmless. */
export interface ReferrerProjection {
  portal: string;
  referrerContactId: number;
  qualifiedReferrals: number;
  discountPercent: number;
}

export interface ReferralActivities {
  projectReferrerStatus(projection: ReferrerProjection): Promise<void>;
}

export function createReferralActivities(bitrix: Bitrix24Client): ReferralActivities {
  return {
    async projectReferrerStatus(projection) {
      const patch = {
        loyalty: {
          referralCount: projection.qualifiedReferrals,
          discountBasisPoints: Math.round(projection.discountPercent * 100),
        },
      };
      await withBitrix24Failures(() => bitrix.run(contacts.update(projection.referrerContactId, patch)));
    },
  };
}
