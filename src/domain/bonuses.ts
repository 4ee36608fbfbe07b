/**
 * Manual bonuses (for a review, as an apology) granted by staff: a request is checked against the programme
 * before anything is credited, and every problem is reported, not just the first.
 */
import { type BonusKind, type MinorUnits, type Programme } from './programme';

export interface BonusRequest {
  kind: BonusKind;
  contactId: string;
  /** Omitted: the rule's default amount. */
  amountMinor?: MinorUnits;
  reason: string;
  grantedBy: string;
}

export type BonusCheck = { valid: true; amountMinor: MinorUnits } | { valid: false; errors: string[] };

export function checkBonusRequest(request: BonusRequest, programme: Programme): BonusCheck {
  const rule = programme.bonuses[request.kind];
  if (rule === null) return { valid: false, errors: [`${request.kind} bonuses are not part of the programme`] };
  const amountMinor = request.amountMinor ?? rule.defaultAmountMinor;
  const errors: string[] = [];
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) errors.push(`amount: must be a positive whole number of minor units, got ${amountMinor}`);
  else if (amountMinor > rule.maxAmountMinor) errors.push(`amount: ${amountMinor} exceeds the ${request.kind} bonus maximum ${rule.maxAmountMinor} (minor units)`);
  const reasonLength = request.reason.trim().length;
  if (reasonLength < rule.reasonMinLength) errors.push(`reason: must be at least ${rule.reasonMinLength} characters, got ${reasonLength}`);
  if (rule.grantedBy !== null && !rule.grantedBy.includes(request.grantedBy)) errors.push(`grantedBy: user ${request.grantedBy} may not grant ${request.kind} bonuses`);
  if (request.contactId.trim() === '') errors.push('contactId: must not be empty');
  return errors.length === 0 ? { valid: true, amountMinor } : { valid: false, errors };
}
