/**
 * The cumulative purchase discount: the percent grows with the number of won deals in the counting pipelines.
 * Plain JSON state per contact; counting and reversal are idempotent by deal id.
 */
import { earnsIn, formatPercent, percentForCount, pipelineName, type BasisPoints, type PipelineId, type Programme } from './programme';

export interface PurchaseCountState {
  /** Deal id → when it was counted; reversed deals are removed. */
  counted: Record<string, number>;
}

export type PurchaseDecision =
  | { kind: 'counted'; dealId: string; count: number; percentBefore: BasisPoints; percentAfter: BasisPoints; reason: string }
  | { kind: 'uncounted'; dealId: string; count: number; percentBefore: BasisPoints; percentAfter: BasisPoints; reason: string }
  | { kind: 'ignored'; dealId: string; count: number; reason: string };

export interface PurchaseTransition {
  state: PurchaseCountState;
  decision: PurchaseDecision;
}

export function emptyPurchaseCountState(): PurchaseCountState {
  return { counted: {} };
}

export function purchaseCount(state: PurchaseCountState): number {
  return Object.keys(state.counted).length;
}

export function purchaseCountPercent(state: PurchaseCountState, programme: Programme): BasisPoints {
  return programme.purchaseCount.enabled ? percentForCount(programme.purchaseCount.tiers, purchaseCount(state)) : 0;
}

export function countPurchase(state: PurchaseCountState, deal: { dealId: string; pipelineId: PipelineId; wonAt: number }, programme: Programme): PurchaseTransition {
  const count = purchaseCount(state);
  const ignore = (reason: string): PurchaseTransition => ({ state, decision: { kind: 'ignored', dealId: deal.dealId, count, reason } });
  if (!programme.purchaseCount.enabled) return ignore('the purchase-count programme is disabled');
  if (state.counted[deal.dealId] !== undefined) return ignore(`deal ${deal.dealId} was already counted`);
  if (!earnsIn(programme, 'purchaseCount', deal.pipelineId)) return ignore(`pipeline ${pipelineName(programme, deal.pipelineId)} does not count purchases`);
  const next: PurchaseCountState = { counted: { ...state.counted, [deal.dealId]: deal.wonAt } };
  const percentAfter = purchaseCountPercent(next, programme);
  return {
    state: next,
    decision: {
      kind: 'counted',
      dealId: deal.dealId,
      count: count + 1,
      percentBefore: purchaseCountPercent(state, programme),
      percentAfter,
      reason: `purchase ${count + 1} counted (deal ${deal.dealId}): discount ${formatPercent(percentAfter)}`,
    },
  };
}

export function reversePurchase(state: PurchaseCountState, dealId: string, programme: Programme): PurchaseTransition {
  const count = purchaseCount(state);
  if (state.counted[dealId] === undefined) return { state, decision: { kind: 'ignored', dealId, count, reason: `deal ${dealId} is not counted` } };
  const counted = Object.fromEntries(Object.entries(state.counted).filter(([id]) => id !== dealId));
  const next: PurchaseCountState = { counted };
  const percentAfter = purchaseCountPercent(next, programme);
  return {
    state: next,
    decision: {
      kind: 'uncounted',
      dealId,
      count: count - 1,
      percentBefore: purchaseCountPercent(state, programme),
      percentAfter,
      reason: `deal ${dealId} was reversed: ${count - 1} purchase(s), discount ${formatPercent(percentAfter)}`,
    },
  };
}
