import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { type Bitrix24Client, deals, isBitrix24Error, scanByKeyset } from '../src/bitrix24';
import { signalEntityWorkflow } from '../src/intake/entity-notice';
import { portalFilterDateTime } from '../src/intake/portal-datetime';
import { toApplicationFailure } from './bitrix24-failure';

export interface ReconcileDeps {
  bitrix: Bitrix24Client;
  temporal: Client;
  /** Where the deal workflows run. */
  taskQueue: string;
  /** The portal's IANA zone, in which DATE_MODIFY filter values are written. */
  timeZone: string;
}

export interface ReconcileBatchRequest {
  portal: string;
  /** Deals whose DATE_MODIFY (portal clock) is at or after this instant, epoch ms. */
  modifiedSinceMs: number;
  /** Keyset position: only deals with a larger id. */
  afterId: number;
  maxDeals: number;
}

export interface ReconcileBatchOutcome {
  dealsSignalled: number;
  /** Keyset position to continue from. */
  lastId: number;
  /** Latest DATE_MODIFY of the batch's deals (portal clock), epoch ms; null for an empty batch. */
  latestModifiedMs: number | null;
  /** No deal beyond `lastId` matches: the scan is complete. */
  exhausted: boolean;
}

export interface ReconcileActivities {
  /** Signals the deal workflow of every deal modified since the given instant, one keyset batch at a time. */
  reconcileDealBatch(request: ReconcileBatchRequest): Promise<ReconcileBatchOutcome>;
}

export function createReconcileActivities(deps: ReconcileDeps): ReconcileActivities {
  return {
    async reconcileDealBatch({ portal, modifiedSinceMs, afterId, maxDeals }) {
      const route = { portal, taskQueue: deps.taskQueue };
      const outcome: ReconcileBatchOutcome = { dealsSignalled: 0, lastId: afterId, latestModifiedMs: null, exhausted: true };
      // `>=ID` resumes after the previous batch; the scan's own `>ID` keyset runs on top of it.
      const filter = { '>=DATE_MODIFY': portalFilterDateTime(modifiedSinceMs, deps.timeZone), '>=ID': afterId + 1 };
      const scan = scanByKeyset(deps.bitrix, deals.list, (deal) => deal.id, { filter, select: ['DATE_MODIFY'] });
      try {
        for await (const deal of scan) {
          if (outcome.dealsSignalled === maxDeals) {
            outcome.exhausted = false;
            break;
          }
          const modifiedMs = deal.modifiedAt?.epochMs ?? null;
          const ts = Math.floor((modifiedMs ?? modifiedSinceMs) / 1000);
          await signalEntityWorkflow(deps.temporal, route, { kind: 'deal', entityId: deal.id, event: 'RECONCILE', ts, source: 'reconciler' });
          outcome.dealsSignalled += 1;
          outcome.lastId = deal.id;
          if (modifiedMs !== null) outcome.latestModifiedMs = Math.max(outcome.latestModifiedMs ?? modifiedMs, modifiedMs);
          Context.current().heartbeat(outcome.lastId);
        }
      } catch (error) {
        // Portal errors get their retry class; a Temporal client error keeps the default retry.
        throw isBitrix24Error(error) ? toApplicationFailure(error) : error;
      }
      return outcome;
    },
  };
}
