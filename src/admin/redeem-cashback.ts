import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { deals, NotFoundError, type Deal } from '../bitrix24';
import { cashbackPaymentLimit } from '../domain/cashback-ledger';
import { formatPercent, type Programme } from '../domain/programme';
import { contactWorkflowId } from '../temporal/workflow-ids';
import { cashbackQuery, redeemUpdate, type RedemptionOutcome } from '../../workflows/cashback';
import type { RedemptionContext } from './context';
import { moneyText, operatorAmount } from './operator-amount';
import { RequestIdReusedError, RequestRefusedError } from './refusal';
import { REQUEST_ID_PATTERN, REQUEST_ID_RULE } from './request-id';

/** Staff record that a customer paid part of a deal with cashback. */
export interface RedemptionOrder {
  contactId: number;
  dealId: number;
  /** In the programme's currency, e.g. `250` or `"249.90"`. */
  amount: string | number;
  requestId: string;
}

export interface RedemptionResult {
  requestId: string;
  contactId: number;
  dealId: number;
  amountMinor: number;
  /** False when this request had been redeemed before a restart of the account: nothing was debited again. */
  applied: boolean;
  balanceAfterMinor: number;
  availableAfterMinor: number;
}

const WHAT = 'redemption';

/**
 * Debits the contact's cashback account for a deal, once per request id, through the account workflow's redeem
 * update (whose validator refuses more than the available balance). The deal is read first: the contact must be
 * its payer (primary contact), in the programme's currency, and the amount within the programme's payment cap.
 * The deal's product rows are not changed: this records a payment made outside the deal's redeem field.
 */
export async function redeemCashback(context: RedemptionContext, order: RedemptionOrder): Promise<RedemptionResult> {
  const amountMinor = checkedAmount(order, context.programme);
  const deal = await readDeal(context, order.dealId);
  const dealProblems = problemsWithDeal(deal, order, amountMinor, context.programme);
  if (dealProblems.length > 0) throw new RequestRefusedError(WHAT, dealProblems);

  const key = `admin:${order.requestId}`;
  const reason = `paid part of deal ${order.dealId} (staff redemption, request ${order.requestId})`;
  const account = context.client.workflow.getHandle(contactWorkflowId(context.portal, 'cashback', order.contactId));
  const outcome = await debit(() => account.executeUpdate(redeemUpdate, { args: [{ key, amountMinor, reason }], updateId: `redeem:${key}` }), order.contactId);
  // The same update id answers with the first outcome whatever the arguments, so a reused id is caught on the ledger.
  const entry = (await account.query(cashbackQuery)).history.find((e) => e.key === `redeem:${key}`);
  if (entry !== undefined && (entry.amount !== amountMinor || entry.reason !== reason)) throw new RequestIdReusedError(order.requestId, 'redemption (amount or deal differ)');
  return {
    requestId: order.requestId,
    contactId: order.contactId,
    dealId: order.dealId,
    amountMinor,
    applied: outcome.applied,
    balanceAfterMinor: outcome.balances.net,
    availableAfterMinor: outcome.balances.available,
  };
}

function checkedAmount(order: RedemptionOrder, programme: Programme): number {
  const problems: string[] = [];
  if (!Number.isSafeInteger(order.contactId) || order.contactId <= 0) problems.push('contactId: must be a positive whole number');
  if (!Number.isSafeInteger(order.dealId) || order.dealId <= 0) problems.push('dealId: must be a positive whole number');
  if (!REQUEST_ID_PATTERN.test(order.requestId)) problems.push(`requestId: ${REQUEST_ID_RULE}`);
  const amount = operatorAmount(order.amount, programme);
  if ('problem' in amount) problems.push(amount.problem);
  else if (amount.minor <= 0) problems.push('amount: must be more than 0');
  if (problems.length > 0 || 'problem' in amount) throw new RequestRefusedError(WHAT, problems);
  return amount.minor;
}

async function readDeal(context: RedemptionContext, dealId: number): Promise<Deal> {
  try {
    return await context.bitrix.run(deals.get(dealId));
  } catch (error) {
    if (error instanceof NotFoundError) throw new RequestRefusedError(WHAT, [`dealId: deal ${dealId} does not exist on the portal`]);
    throw error;
  }
}

function problemsWithDeal(deal: Deal, order: RedemptionOrder, amountMinor: number, programme: Programme): string[] {
  if (deal.primaryContactId !== order.contactId) return [`contactId: contact ${order.contactId} is not the payer (primary contact) of deal ${deal.id}`];
  if (deal.currencyId !== null && deal.currencyId !== programme.currency) return [`dealId: deal ${deal.id} is in ${deal.currencyId}, the programme in ${programme.currency}`];
  const capMinor = cashbackPaymentLimit(deal.opportunityMinor ?? 0, programme.cashback.maxPaymentPercent);
  if (amountMinor <= capMinor) return [];
  const share = formatPercent(programme.cashback.maxPaymentPercent);
  return [`amount: cashback may pay at most ${share} of deal ${deal.id}, ${moneyText(capMinor, programme)} of ${moneyText(deal.opportunityMinor ?? 0, programme)}`];
}

/** The account's refusals (balance, no account yet) are answers to the caller, not failures. */
async function debit(run: () => Promise<RedemptionOutcome>, contactId: number): Promise<RedemptionOutcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new RequestRefusedError(WHAT, [`contactId: contact ${contactId} has no cashback account yet`]);
    if (error instanceof WorkflowUpdateFailedError) throw new RequestRefusedError(WHAT, [error.cause?.message ?? error.message]);
    throw error;
  }
}
