import * as wf from '@temporalio/workflow';
import {
  emptyGroupUsage,
  forgetDaysBefore,
  grantedByOtherDeals,
  recordGroupGrant,
  releaseDealGrants,
  type GroupAllowance,
  type GroupUsage,
} from '../src/domain/customer-groups';
import type { CustomerGroup } from '../src/domain/programme';

/**
 * One workflow per contact holding the group discounts granted to them per local day, so a group's daily limit holds
 * across all of the contact's deals and survives restarts. Deal workflows ask what other deals used today (query),
 * record their own grant (update: capped by the limit, replacing the deal's earlier grant) and give a lost deal's
 * grants back (signal). Only today matters, so the workflow forgets past days and ends when it holds nothing.
 */
export interface GroupDiscountUsageInput {
  portal: string;
  contactId: number;
  /** Carried across continue-as-new. */
  usage?: GroupUsage;
}

export interface GroupGrantRecord {
  dealId: number;
  /** Local day `YYYY-MM-DD` in the programme's time zone. */
  day: string;
  group: CustomerGroup;
  requestedMinor: number;
}

export const recordGroupGrantUpdate = wf.defineUpdate<GroupAllowance, [GroupGrantRecord]>('recordGroupGrant');
export const releaseGroupGrantsSignal = wf.defineSignal<[{ dealId: number }]>('releaseGroupGrants');
/** Group id → discount other deals were granted on `day`: what `dealId` cannot use of the daily limit. */
export const groupUsageQuery = wf.defineQuery<Record<string, number>, [{ day: string; dealId: number; groupIds: string[] }]>('groupUsage');
export const groupUsageStateQuery = wf.defineQuery<GroupUsage>('groupUsageState');

/** Days are local to the portal; keeping yesterday too covers every time zone's "today". */
const KEPT_DAYS = 2;
const DAY_MS = 86_400_000;

export async function groupDiscountUsage(input: GroupDiscountUsageInput): Promise<GroupUsage> {
  let usage = input.usage ?? emptyGroupUsage();
  let changed = false;

  wf.setHandler(
    recordGroupGrantUpdate,
    (record) => {
      const outcome = recordGroupGrant(usage, { day: record.day, group: record.group, dealId: record.dealId, requestedMinor: record.requestedMinor });
      usage = outcome.usage;
      changed = true;
      return outcome.allowance;
    },
    {
      validator: (record) => {
        if (!Number.isSafeInteger(record.requestedMinor) || record.requestedMinor < 0) throw new Error(`requestedMinor must be a non-negative integer, got ${record.requestedMinor}`);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(record.day)) throw new Error(`day must be YYYY-MM-DD, got ${record.day}`);
      },
    },
  );
  wf.setHandler(releaseGroupGrantsSignal, ({ dealId }) => {
    usage = releaseDealGrants(usage, dealId);
    changed = true;
  });
  wf.setHandler(groupUsageQuery, ({ day, dealId, groupIds }) =>
    Object.fromEntries(groupIds.map((groupId) => [groupId, grantedByOtherDeals(usage, day, groupId, dealId)])),
  );
  wf.setHandler(groupUsageStateQuery, () => usage);

  for (;;) {
    changed = false;
    const woken = await wf.condition(() => changed || wf.workflowInfo().continueAsNewSuggested, DAY_MS);
    // Forget the days no deal can count against any more on every wake: a contact with deals every day has no quiet one.
    const oldestKept = new Date(Date.now() - KEPT_DAYS * DAY_MS).toISOString().slice(0, 10);
    usage = forgetDaysBefore(usage, oldestKept);
    // A quiet day with nothing left: the record is complete.
    if (!woken && usage.grants.length === 0) {
      await wf.condition(wf.allHandlersFinished);
      if (!changed) return usage;
    }
    if (wf.workflowInfo().continueAsNewSuggested) {
      await wf.condition(wf.allHandlersFinished);
      await wf.continueAsNew<typeof groupDiscountUsage>({ ...input, usage });
    }
  }
}
