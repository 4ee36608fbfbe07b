import * as wf from '@temporalio/workflow';
import type { ReconcileActivities } from '../activities/reconcile';

export interface ReconcilerInput {
  portal: string;
  /**
   * How far before the previous checkpoint each scan starts. Covers portal transactions that commit after a
   * later DATE_MODIFY was already seen, the scan's own duration and clock differences between portal nodes.
   */
  lookBackMs: number;
  /** How far back the very first scan reaches, before any checkpoint exists. */
  firstScanMs: number;
  /** Deals per activity call: one call's work is bounded, and its progress is recorded between calls. */
  batchSize: number;
}

/** A run's outcome; the next scheduled run reads it back as its checkpoint (`workflowInfo().lastResult`). */
export interface ReconcilerResult {
  /** Latest DATE_MODIFY seen so far, by the portal's own clock (epoch ms). */
  checkpointMs: number;
  /** This run scanned deals modified at or after this instant (epoch ms). */
  scannedFromMs: number;
  dealsSignalled: number;
  finishedAt: number;
}

const { reconcileDealBatch } = wf.proxyActivities<ReconcileActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});

/**
 * One reconciliation pass, started by the portal's reconciler Schedule: every deal modified since the last
 * checkpoint (minus the look-back) gets a notice through the same signal-with-start path as webhook events,
 * so a deal whose event Bitrix24 never delivered is still processed. Deal workflows re-read the deal and
 * customers de-duplicate by deal id, so deals seen twice are harmless.
 */
export async function reconciler(input: ReconcilerInput): Promise<ReconcilerResult> {
  const previous = checkpointOf(wf.workflowInfo().lastResult);
  const scannedFromMs = previous === null ? Date.now() - input.firstScanMs : previous - input.lookBackMs;
  let checkpointMs = previous ?? scannedFromMs;
  let afterId = 0;
  let dealsSignalled = 0;
  for (;;) {
    const batch = await reconcileDealBatch({ portal: input.portal, modifiedSinceMs: scannedFromMs, afterId, maxDeals: input.batchSize });
    dealsSignalled += batch.dealsSignalled;
    afterId = batch.lastId;
    if (batch.latestModifiedMs !== null) checkpointMs = Math.max(checkpointMs, batch.latestModifiedMs);
    if (batch.exhausted) break;
  }
  return { checkpointMs, scannedFromMs, dealsSignalled, finishedAt: Date.now() };
}

function checkpointOf(lastResult: unknown): number | null {
  if (typeof lastResult !== 'object' || lastResult === null) return null;
  const checkpoint = (lastResult as Partial<ReconcilerResult>).checkpointMs;
  return typeof checkpoint === 'number' && Number.isFinite(checkpoint) ? checkpoint : null;
}
