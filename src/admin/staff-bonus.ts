import { checkBonusRequest } from '../domain/bonuses';
import type { BonusKind, Programme } from '../domain/programme';
import type { BonusRequest, BonusResult } from '../../workflows/bonus';
import type { AdminContext } from './context';
import { grantBonus } from './grant-bonus';
import { operatorAmount, moneyText } from './operator-amount';
import { RequestRefusedError } from './refusal';
import { REQUEST_ID_PATTERN, REQUEST_ID_RULE } from './request-id';

/** A review or apology bonus as staff ask for it, from the CLI or the admin API. */
export interface BonusOrder {
  kind: BonusKind;
  contactId: number;
  /** In the programme's currency, e.g. `500` or `"499.90"`; omitted: the rule's default amount. */
  amount?: string | number;
  reason: string;
  /** Bitrix24 user id of the member of staff granting it (checked against the rule's `grantedBy`). */
  author: string;
  requestId: string;
}

const AUTHOR_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
const REASON_MAX_LENGTH = 1000;

/** Checks an order against the programme's bonus rules; throws `RequestRefusedError` listing every problem. */
export function bonusRequestFor(order: BonusOrder, programme: Programme, portal: string): BonusRequest {
  const problems: string[] = [];
  if (!Number.isSafeInteger(order.contactId) || order.contactId <= 0) problems.push('contactId: must be a positive whole number');
  if (!REQUEST_ID_PATTERN.test(order.requestId)) problems.push(`requestId: ${REQUEST_ID_RULE}`);
  if (!AUTHOR_PATTERN.test(order.author)) problems.push('author: must be a Bitrix24 user id such as 12');
  if (order.reason.length > REASON_MAX_LENGTH) problems.push(`reason: must be at most ${REASON_MAX_LENGTH} characters`);
  const amount = order.amount === undefined ? undefined : operatorAmount(order.amount, programme);
  if (amount !== undefined && 'problem' in amount) problems.push(amount.problem);
  const check = checkBonusRequest(
    {
      kind: order.kind,
      contactId: String(order.contactId),
      ...(amount !== undefined && 'minor' in amount ? { amountMinor: amount.minor } : {}),
      reason: order.reason,
      grantedBy: order.author,
    },
    programme,
  );
  if (!check.valid) problems.push(...check.errors);
  if (problems.length > 0 || !check.valid) throw new RequestRefusedError(`${order.kind} bonus`, problems);
  return {
    portal,
    requestId: order.requestId,
    contactId: order.contactId,
    kind: order.kind,
    amountMinor: check.amountMinor,
    reason: order.reason.trim(),
    author: `user:${order.author}`,
    amountText: moneyText(check.amountMinor, programme),
  };
}

/**
 * Grants a staff bonus once per request id: rules first (nothing is started when they refuse), then the bonus
 * workflow, whose result a repeated request reads back unchanged.
 */
export function grantStaffBonus(context: AdminContext, order: BonusOrder): Promise<BonusResult> {
  return grantBonus(context.client, context.taskQueue, bonusRequestFor(order, context.programme, context.portal));
}
