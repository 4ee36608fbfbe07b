import type { Bitrix24Client } from '../src/bitrix24';
import { createBirthdayActivities } from './birthday';
import { createCashbackActivities } from './cashback';
import { createReferralActivities } from './referral';

/** Every activity the loyalty worker registers, bound to one portal's client. */
export function createActivities(bitrix: Bitrix24Client) {
  return {
    ...createReferralActivities(bitrix),
    ...createCashbackActivities(bitrix),
    ...createBirthdayActivities(bitrix),
  };
}
