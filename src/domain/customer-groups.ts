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
