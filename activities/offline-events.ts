import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type Bitrix24Client, events } from '../src/bitrix24';
import { signalEntityWorkflow } from '../src/intake/entity-notice';
import { offlineEventNotice } from '../src/intake/offline-notice';
import { withBitrix24Failures } from './bitrix24-failure';

export interface OfflineEventDeps {
  /** An application (OAuth) client: `event.offline.*` refuse webhook calls. */
  bitrix: Bitrix24Client;
  temporal: Client;
  taskQueue: string;
}

export interface OfflineDrainRequest {
  portal: string;
  limit: number;
}

export interface OfflineDrainOutcome {
  /** Queue records taken (and cleared) in this call. */
  taken: number;
  /** Of those, the ones that woke a deal or contact workflow. */
  signalled: number;
}

export interface OfflineEventActivities {
  /** Reserves a batch of queued offline events, signals their workflows, then clears exactly that batch. */
  drainOfflineEvents(request: OfflineDrainRequest): Promise<OfflineDrainOutcome>;
}

export function createOfflineEventActivities(deps: OfflineEventDeps): OfflineEventActivities {
  return {
    async drainOfflineEvents({ portal, limit }) {
      const context = Context.current();
      // A retried attempt finishes the reservation its predecessor made (recorded by heartbeat) instead of
      // leaving those records reserved and taking new ones.
      const unfinished = typeof context.info.heartbeatDetails === 'string' ? context.info.heartbeatDetails : undefined;
      const batch = await withBitrix24Failures(() =>
        deps.bitrix.run(events.offlineGet({ limit, ...(unfinished === undefined ? {} : { processId: unfinished }) })),
      );
      if (batch.events.length === 0) return { taken: 0, signalled: 0 };
      const processId = batch.processId;
      if (processId === null) throw ApplicationFailure.nonRetryable('event.offline.get: events came without a process_id, so they cannot be cleared');
      context.heartbeat(processId);

      const route = { portal, taskQueue: deps.taskQueue };
      let signalled = 0;
      for (const event of batch.events) {
        const notice = offlineEventNotice(event);
        if (notice === null) continue;
        await signalEntityWorkflow(deps.temporal, route, notice);
        signalled += 1;
      }
      const ids = batch.events.map((event) => event.id);
      await withBitrix24Failures(() => deps.bitrix.run(events.offlineClear(processId, ids)));
      return { taken: ids.length, signalled };
    },
  };
}
