import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { localDate } from '../src/domain/calendar';
import type { Programme } from '../src/domain/programme';
import { contactWorkflowId } from '../src/temporal/workflow-ids';
import { birthdayStatusQuery } from '../workflows/birthday';
import { cashbackQuery } from '../workflows/cashback';
import { groupDiscountUsageWorkflowId, groupUsageQuery } from '../workflows/group-discount-usage';
import { purchasesQuery } from '../workflows/purchases';
import { referralDiscountQuery } from '../workflows/referral';

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

/** A query on a workflow that was never started answers `absent`: the contact simply has nothing there yet. */
async function queryOr<T>(absent: T, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return absent;
    throw error;
  }
}

export function createContactFactsActivities(deps: { client: Client; programme: Programme }): ContactFactsActivities {
  const { client, programme } = deps;
  const handle = (workflowId: string) => client.workflow.getHandle(workflowId);

  async function factsOf(portal: string, dealId: number, day: string, contact: DiscountContextRequest['contacts'][number]): Promise<ContactWorkflowFacts> {
    const { contactId, groupIds } = contact;
    const now = Date.now();
    const [referral, purchases, birthday, cashback, groups] = await Promise.all([
      queryOr(null, () => handle(contactWorkflowId(portal, 'referral', contactId)).query(referralDiscountQuery)),
      queryOr(null, () => handle(contactWorkflowId(portal, 'purchases', contactId)).query(purchasesQuery)),
      queryOr(null, () => handle(contactWorkflowId(portal, 'birthday', contactId)).query(birthdayStatusQuery)),
      queryOr(null, () => handle(contactWorkflowId(portal, 'cashback', contactId)).query(cashbackQuery)),
      groupIds.length === 0 ? {} : queryOr({}, () => handle(groupDiscountUsageWorkflowId(portal, contactId)).query(groupUsageQuery, { day, dealId, groupIds })),
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
      const day = localDate(Date.now(), programme.timeZone);
      return { programme, day, contacts: await Promise.all(contacts.map((contact) => factsOf(portal, dealId, day, contact))) };
    },
  };
}
