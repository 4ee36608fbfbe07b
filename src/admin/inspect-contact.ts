import type { Client } from '@temporalio/client';
import { contactStanding, type ContactStanding } from '../domain/contact-standing';
import type { Programme } from '../domain/programme';
import { contactWorkflowId, type ContactWorkflowKind } from '../temporal/workflow-ids';
import { queryIfPresent } from '../temporal/workflow-messages';
import { birthdayStatusQuery, type BirthdayStatus } from '../../workflows/birthday';
import { cashbackQuery, type CashbackView } from '../../workflows/cashback';
import { purchasesQuery, type PurchasesView } from '../../workflows/purchases';
import { referralDiscountQuery, referralStatusQuery, type ReferralView } from '../../workflows/referral';

/** Everything the engine holds about one contact, read from the contact's workflows (null: none yet). */
export interface ContactLoyaltyReport {
  contactId: number;
  /** The discounts the contact holds now and why, whatever deal comes next. */
  standing: ContactStanding;
  cashback: CashbackView | null;
  purchases: PurchasesView | null;
  birthday: BirthdayStatus | null;
  /** Who referred the contact, whom they referred, which referrals qualified, and every referral decision. */
  referral: ReferralView | null;
}

export async function inspectContact(client: Client, portal: string, contactId: number, programme: Programme, now = Date.now()): Promise<ContactLoyaltyReport> {
  const idOf = (kind: ContactWorkflowKind) => contactWorkflowId(portal, kind, contactId);
  const [cashback, purchases, birthday, referralStatus, referralDiscount] = await Promise.all([
    queryIfPresent(client, idOf('cashback'), cashbackQuery, null),
    queryIfPresent(client, idOf('purchases'), purchasesQuery, null),
    queryIfPresent(client, idOf('birthday'), birthdayStatusQuery, null),
    queryIfPresent(client, idOf('referral'), referralStatusQuery, null),
    queryIfPresent(client, idOf('referral'), referralDiscountQuery, null),
  ]);
  // Runs recorded before the referral programme answer `referralStatus` in their own shape; the discount they report.
  const referral = referralStatus !== null && 'qualifications' in referralStatus ? referralStatus : null;
  const standing = contactStanding(
    programme,
    {
      referral: referralDiscount === null ? { percent: 0, reason: 'no referral activity yet' } : { percent: referralDiscount.percentBasisPoints, reason: referralDiscount.reason },
      purchaseCount: purchases?.count ?? 0,
      birthdayWindow: birthday?.window ?? null,
      cashbackAvailableMinor: cashback?.balances.available ?? 0,
    },
    now,
  );
  return { contactId, standing, cashback, purchases, birthday, referral };
}
