import * as wf from '@temporalio/workflow';
import type { OfflineEventActivities } from '../activities/offline-events';

export interface OfflineEventsInput {
  portal: string;
  /** Pause between polls once the queue is empty. */
  pollIntervalMs: number;
  /** Queue records per `event.offline.get` (the portal's default page is 50). */
  batchSize: number;
  /** Carried across continue-as-new. */
  carried?: OfflineIntakeStatus;
}

export interface OfflineIntakeStatus {
  taken: number;
  signalled: number;
  lastPollAt: number | null;
}

export const offlineIntakeStatusQuery = wf.defineQuery<OfflineIntakeStatus>('offlineIntakeStatus');

const { drainOfflineEvents } = wf.proxyActivities<OfflineEventActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});

/**
 * Offline-events intake for application installs: Bitrix24 queues every change on the portal and this loop
 * takes the queue batch by batch (reserve, signal each entity's workflow, clear exactly that batch), so no
 * event is lost while the engine is down; a batch interrupted before its clear is delivered again, which the
 * workflows tolerate. One long-lived workflow per portal, renewed by continue-as-new.
 */
export async function offlineEvents(input: OfflineEventsInput): Promise<void> {
  const status: OfflineIntakeStatus = input.carried ?? { taken: 0, signalled: 0, lastPollAt: null };
  wf.setHandler(offlineIntakeStatusQuery, () => status);
  for (;;) {
    const drained = await drainOfflineEvents({ portal: input.portal, limit: input.batchSize });
    status.taken += drained.taken;
    status.signalled += drained.signalled;
    status.lastPollAt = Date.now();
    // A full batch means more is waiting: take it at once; otherwise the queue is drained for now.
    if (drained.taken < input.batchSize) await wf.sleep(input.pollIntervalMs);
    if (wf.workflowInfo().continueAsNewSuggested) await wf.continueAsNew<typeof offlineEvents>({ ...input, carried: status });
  }
}
