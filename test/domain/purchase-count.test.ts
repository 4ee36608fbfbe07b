import { describe, expect, it } from 'vitest';
import { countPurchase, emptyPurchaseCountState, purchaseCount, purchaseCountPercent, reversePurchase, type PurchaseCountState } from '../../src/domain/purchase-count';
import { exampleProgramme } from './programme.fixture';

const programme = exampleProgramme();

function trips(n: number): PurchaseCountState {
  let state = emptyPurchaseCountState();
  for (let i = 1; i <= n; i += 1) state = countPurchase(state, { dealId: `t${i}`, pipelineId: 1, wonAt: i }, programme).state;
  return state;
}

describe('cumulative purchase discount', () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 300],
    [4, 300],
    [5, 700],
    [9, 700],
  ])('%i trips give %i basis points', (n, percent) => {
    expect(purchaseCountPercent(trips(n), programme)).toBe(percent);
  });

  it('counts a deal once', () => {
    const state = trips(2);
    const again = countPurchase(state, { dealId: 't2', pipelineId: 1, wonAt: 9 }, programme);
    expect(again).toEqual({ state, decision: { kind: 'ignored', dealId: 't2', count: 2, reason: 'deal t2 was already counted' } });
  });

  it('ignores pipelines that do not count purchases', () => {
    const { state, decision } = countPurchase(emptyPurchaseCountState(), { dealId: 's1', pipelineId: 5, wonAt: 1 }, programme);
    expect(purchaseCount(state)).toBe(0);
    expect(decision.reason).toBe('pipeline Service does not count purchases');
  });

  it('decrements on reversal, idempotently', () => {
    const reversed = reversePurchase(trips(5), 't3', programme);
    expect(reversed.decision).toMatchObject({ kind: 'uncounted', count: 4, percentBefore: 700, percentAfter: 300 });
    expect(reversePurchase(reversed.state, 't3', programme).decision.kind).toBe('ignored');
    expect(purchaseCount(reversed.state)).toBe(4);
  });

  it('reports the tier reached in the decision', () => {
    const { decision } = countPurchase(trips(1), { dealId: 't2', pipelineId: 1, wonAt: 2 }, programme);
    expect(decision).toEqual({ kind: 'counted', dealId: 't2', count: 2, percentBefore: 0, percentAfter: 300, reason: 'purchase 2 counted (deal t2): discount 3 %' });
  });
});
