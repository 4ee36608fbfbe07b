/**
 * Customer groups: a named group carries a discount and optionally a daily limit on how much discount one
 * contact may receive per local day (as point-of-sale loyalty systems do). The caller tracks what was granted
 * on the contact's current local day; this decides how much more is allowed.
 */
import { type CustomerGroup, type MinorUnits, type Programme } from './programme';

export interface GroupAllowance {
  groupId: string;
  allowedMinor: MinorUnits;
  /** True when the daily limit cut the requested discount. */
  limited: boolean;
  reason: string;
}

export function groupDiscountAllowance(group: CustomerGroup, requestedMinor: MinorUnits, grantedTodayMinor: MinorUnits): GroupAllowance {
  if (group.dailyLimitMinor === null) {
    return { groupId: group.id, allowedMinor: requestedMinor, limited: false, reason: `group ${group.name} has no daily limit` };
  }
  const left = Math.max(0, group.dailyLimitMinor - grantedTodayMinor);
  const allowedMinor = Math.min(requestedMinor, left);
  const limited = allowedMinor < requestedMinor;
  const reason = limited
    ? `group ${group.name}: daily limit ${group.dailyLimitMinor}, already granted today ${grantedTodayMinor}, ${left} left (minor units)`
    : `group ${group.name}: within the daily limit`;
  return { groupId: group.id, allowedMinor, limited, reason };
}

/** The contact's groups that the programme knows, in the programme's order; unknown ids are skipped. */
export function groupsOf(programme: Programme, groupIds: readonly string[]): CustomerGroup[] {
  return programme.groups.filter((group) => groupIds.includes(group.id));
}

/**
 * A contact's group discounts granted per local day, one grant per (day, group, deal): re-applying a deal replaces
 * its own grant instead of adding to it, and a lost deal gives its grants back. Plain JSON, carried by a workflow.
 */
export interface GroupGrant {
  /** Local calendar day `YYYY-MM-DD` in the programme's time zone. */
  day: string;
  groupId: string;
  dealId: number;
  amountMinor: MinorUnits;
}

export interface GroupUsage {
  grants: GroupGrant[];
}

export function emptyGroupUsage(): GroupUsage {
  return { grants: [] };
}

/** What other deals were granted in this group on this day: the part of the daily limit this deal cannot use. */
export function grantedByOtherDeals(usage: GroupUsage, day: string, groupId: string, dealId: number): MinorUnits {
  return usage.grants
    .filter((grant) => grant.day === day && grant.groupId === groupId && grant.dealId !== dealId)
    .reduce((sum, grant) => sum + grant.amountMinor, 0);
}

export interface GroupGrantRequest {
  day: string;
  group: CustomerGroup;
  dealId: number;
  requestedMinor: MinorUnits;
}

/**
 * Sets the deal's grant in the group for the day to what the daily limit allows of `requestedMinor`, replacing the
 * deal's earlier grant in that group (any day); a zero grant is dropped.
 */
export function recordGroupGrant(usage: GroupUsage, request: GroupGrantRequest): { usage: GroupUsage; allowance: GroupAllowance } {
  if (!Number.isSafeInteger(request.requestedMinor) || request.requestedMinor < 0) {
    throw new RangeError(`group grant ${request.group.id} for deal ${request.dealId}: requestedMinor must be a non-negative integer, got ${String(request.requestedMinor)}`);
  }
  const allowance = groupDiscountAllowance(request.group, request.requestedMinor, grantedByOtherDeals(usage, request.day, request.group.id, request.dealId));
  const others = usage.grants.filter((grant) => !(grant.dealId === request.dealId && grant.groupId === request.group.id));
  const grant: GroupGrant = { day: request.day, groupId: request.group.id, dealId: request.dealId, amountMinor: allowance.allowedMinor };
  return { usage: { grants: allowance.allowedMinor > 0 ? [...others, grant] : others }, allowance };
}

/** Gives back every grant of a deal (it was lost or deleted). */
export function releaseDealGrants(usage: GroupUsage, dealId: number): GroupUsage {
  return { grants: usage.grants.filter((grant) => grant.dealId !== dealId) };
}

/** Keeps only grants of `day` and later: earlier days no longer limit anything. */
export function forgetDaysBefore(usage: GroupUsage, day: string): GroupUsage {
  return { grants: usage.grants.filter((grant) => grant.day >= day) };
}
