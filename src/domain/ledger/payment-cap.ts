import { formatAmount, FULL_PERCENT_BASIS_POINTS, percentOf } from '../money';
import { InvalidLedgerRequestError } from './errors';
import { requireNonNegativeInteger } from './validate';

export interface CashbackPaymentRequest {
  /** What the deal costs before cashback is used to pay part of it. */
  dealAmountMinor: number;
  /** Cashback the customer wants to pay with. */
  requestedMinor: number;
  /** Spendable balance now (`balances(...).available`). */
  availableMinor: number;
  /** At most this share of the deal may be paid with cashback (10 000 = all of it). */
  maxPaymentBasisPoints: number;
}

export type CashbackPaymentCheck =
  | { allowed: true; amountMinor: number; limitMinor: number }
  | { allowed: false; reason: 'over-cap' | 'over-balance'; limitMinor: number; message: string };

function requireCap(maxPaymentBasisPoints: number): void {
  requireNonNegativeInteger(maxPaymentBasisPoints, 'maxPaymentBasisPoints');
  if (maxPaymentBasisPoints > FULL_PERCENT_BASIS_POINTS) {
    throw new InvalidLedgerRequestError(`maxPaymentBasisPoints: at most ${FULL_PERCENT_BASIS_POINTS} (100 %), got ${maxPaymentBasisPoints}`);
  }
}

/** The most cashback that may pay for a deal: its cap share, rounded down so the cap is never exceeded. */
export function cashbackPaymentLimit(dealAmountMinor: number, maxPaymentBasisPoints: number): number {
  requireNonNegativeInteger(dealAmountMinor, 'dealAmountMinor');
  requireCap(maxPaymentBasisPoints);
  return percentOf(dealAmountMinor, maxPaymentBasisPoints, 'down');
}

/** Whether paying `requestedMinor` of the deal with cashback is within both the cap and the balance; if not, why. */
export function checkCashbackPayment(request: CashbackPaymentRequest): CashbackPaymentCheck {
  requireNonNegativeInteger(request.requestedMinor, 'requestedMinor');
  requireNonNegativeInteger(request.availableMinor, 'availableMinor');
  const capMinor = cashbackPaymentLimit(request.dealAmountMinor, request.maxPaymentBasisPoints);
  const limitMinor = Math.min(capMinor, request.availableMinor);
  if (request.requestedMinor <= limitMinor) return { allowed: true, amountMinor: request.requestedMinor, limitMinor };
  if (request.requestedMinor > capMinor) {
    const share = `${formatAmount(request.maxPaymentBasisPoints, 2)} %`;
    return { allowed: false, reason: 'over-cap', limitMinor, message: `cashback may pay at most ${share} of the deal: ${capMinor} of ${request.dealAmountMinor} (minor units), requested ${request.requestedMinor}` };
  }
  return { allowed: false, reason: 'over-balance', limitMinor, message: `insufficient cashback balance: requested ${request.requestedMinor}, available ${request.availableMinor} (minor units)` };
}
