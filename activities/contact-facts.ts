import { type Client } from '@temporalio/client';
import { localDate } from '../src/domain/calendar';
import type { Programme } from '../src/domain/programme';
import { contactWorkflowId, groupDiscountUsageWorkflowId } from '../src/temporal/workflow-ids';
import { birthdayStatusQuery } from '../workflows/birthday';
import { cashbackQuery } from '../workflows/cashback';
import { groupUsageQuery } from '../workflows/group-discount-usage';
import { purchasesQuery } from '../workflows/purchases';
import { referralDiscountQuery } from '../workflows/referral';
import { queryIfPresent } from '../src/temporal/workflow-messages';

/** What the customers' workflows know about one contact, for the deal workflow's discount decisions. */
export interface ContactWorkflowFacts {
  contactId: number;
  referralPercent: number;
  purchaseCount: number;
  birthdayWindowActive: boolean;
  cashbackAvailableMinor: number;
  /** Group id → discount other deals got today in that group (the daily limit's used part). */
  groupGrantedTodayMinor: Record<string, number>;
}

export interface DiscountContext {
  /** The rules the worker runs with: the deal workflow decides with exactly these (recorded in its history). */
  programme: Programme;
  /** Today in the programme's time zone: the day group daily limits count. */
  day: string;
  contacts: ContactWorkflowFacts[];
}

export interface DiscountContextRequest {
  portal: string;
  dealId: number;
  contacts: { contactId: number; groupIds: string[] }[];
}

export interface ContactFactsActivities {
  readDiscountContext(request: DiscountContextRequest): Promise<DiscountContext>;
}

export function createContactFactsActivities(deps: { client: Client; programme: Programme; now?: () => number }): ContactFactsActivities {
  const { client, programme, now: clock = Date.now } = deps;

  async function factsOf(portal: string, dealId: number, day: string, contact: DiscountContextRequest['contacts'][number]): Promise<ContactWorkflowFacts> {
    const { contactId, groupIds } = contact;
    const now = clock();
    const [referral, purchases, birthday, cashback, groups] = await Promise.all([
      queryIfPresent(client, contactWorkflowId(portal, 'referral', contactId), referralDiscountQuery, null),
      queryIfPresent(client, contactWorkflowId(portal, 'purchases', contactId), purchasesQuery, null),
      queryIfPresent(client, contactWorkflowId(portal, 'birthday', contactId), birthdayStatusQuery, null),
      queryIfPresent(client, contactWorkflowId(portal, 'cashback', contactId), cashbackQuery, null),
      groupIds.length === 0 ? {} : queryIfPresent(client, groupDiscountUsageWorkflowId(portal, contactId), groupUsageQuery, {}, { day, dealId, groupIds }),
    ]);
    const window = birthday?.window ?? null;
    return {
      contactId,
      referralPercent: referral?.percentBasisPoints ?? 0,
      purchaseCount: purchases?.count ?? 0,
      birthdayWindowActive: window !== null && window.start <= now && now < window.end,
      cashbackAvailableMinor: cashback?.balances.available ?? 0,
      groupGrantedTodayMinor: groups,
    };
  }

  return {
    async readDiscountContext({ portal, dealId, contacts }) {
      const day = localDate(clock(), programme.timeZone);
      return { programme, day, contacts: await Promise.all(contacts.map((contact) => factsOf(portal, dealId, day, contact))) };
    },
  };
}
