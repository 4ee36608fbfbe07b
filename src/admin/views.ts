/** The answers of the admin surface as JSON: the CLI's `--json` and the HTTP API print the same objects. */
import { formatAmount } from '../domain/money';
import type { Programme } from '../domain/programme';
import type { BonusResult } from '../../workflows/bonus';
import type { RedemptionResult } from './redeem-cashback';

export function bonusView(result: BonusResult, programme: Programme) {
  const amount = (minor: number) => formatAmount(minor, programme.currencyExponent);
  return {
    requestId: result.requestId,
    contactId: result.contactId,
    kind: result.kind,
    amount: amount(result.amountMinor),
    currency: programme.currency,
    amountMinor: result.amountMinor,
    credited: result.credited,
    balanceAfter: amount(result.balanceAfterMinor),
    balanceAfterMinor: result.balanceAfterMinor,
    commentId: result.commentId,
    grantedAt: new Date(result.grantedAt).toISOString(),
  };
}

export function redemptionView(result: RedemptionResult, programme: Programme) {
  const amount = (minor: number) => formatAmount(minor, programme.currencyExponent);
  return {
    requestId: result.requestId,
    contactId: result.contactId,
    dealId: result.dealId,
    amount: amount(result.amountMinor),
    currency: programme.currency,
    amountMinor: result.amountMinor,
    applied: result.applied,
    balanceAfter: amount(result.balanceAfterMinor),
    balanceAfterMinor: result.balanceAfterMinor,
    availableAfter: amount(result.availableAfterMinor),
    availableAfterMinor: result.availableAfterMinor,
  };
}
