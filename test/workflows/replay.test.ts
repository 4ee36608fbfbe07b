import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { recordedHistories } from '../helpers/histories';
import { workflowBundle } from '../helpers/temporal';

describe('replay of recorded workflow histories', () => {
  const histories = recordedHistories();

  it('has a recorded history for every workflow type', () => {
    const types = new Set(histories.map((h) => h.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
    expect([...types].sort()).toEqual(['birthday', 'bonus', 'cashback', 'contact', 'deal', 'groupDiscountUsage', 'offlineEvents', 'programmeRollout', 'purchases', 'reconciler', 'referral']);
  });

  it('replays every recorded history deterministically with the current workflow code', async () => {
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: workflowBundle(), replayName: 'ci' }, histories)) {
      results.push({ workflowId: result.workflowId, error: result.error ? String(result.error) : null });
    }
    expect(results).toEqual(histories.map((h) => ({ workflowId: h.workflowId, error: null })));
  });
});
