import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Bitrix24Client } from '../bitrix24';
import type { Programme } from '../domain/programme';
import type { TemporalConnectionOptions } from '../temporal/connection';
import { createBitrix24Worker, createLoyaltyWorker, runWorker, type RunningWorker } from './create-worker';
import { PLAN_LIMITS } from './portal-plan';
import type { WorkerTuning } from './tuning';

export interface LoyaltyWorkerSettings {
  temporalAddress: string;
  /** TLS, API key and gRPC metadata from `temporalConnectionOptions`; `temporalAddress` wins over its address. */
  temporalConnection?: TemporalConnectionOptions;
  tuning?: WorkerTuning;
  namespace: string;
  taskQueue: string;
  /** The portal key of the workflows: their Bitrix24 activities run on `bitrix24TaskQueue(portal)`. */
  portal: string;
  /** Bitrix24 activities started per second across all processes (`readPortalRate`); default: the standard plan's 2. */
  bitrix24ActivitiesPerSecond?: number;
  bitrix: Bitrix24Client;
  programme: Programme;
  workflowBundlePath?: string;
}

export interface StartedLoyaltyWorker {
  running: RunningWorker;
  /** Stops the worker gracefully, then closes its connections. */
  stop(): Promise<void>;
}

/**
 * Connects to Temporal and runs the loyalty workflows and activities for one portal: one worker on the workflows'
 * queue, one on the portal's rate-limited Bitrix24 queue. Both register every activity: histories from before the
 * Bitrix24 queue still schedule their CRM calls on the workflows' queue.
 */
export async function startLoyaltyWorker(settings: LoyaltyWorkerSettings): Promise<StartedLoyaltyWorker> {
  const connectionOptions = { ...settings.temporalConnection, address: settings.temporalAddress };
  const clientConnection = await Connection.connect(connectionOptions);
  const connection = await NativeConnection.connect(connectionOptions);
  try {
    const temporal = new Client({ connection: clientConnection, namespace: settings.namespace });
    const activities = createActivities({ bitrix: settings.bitrix, temporal, programme: settings.programme, taskQueue: settings.taskQueue });
    const tuning = settings.tuning ? { tuning: settings.tuning } : {};
    const worker = await createLoyaltyWorker({
      connection,
      namespace: settings.namespace,
      taskQueue: settings.taskQueue,
      activities,
      ...(settings.workflowBundlePath ? { workflowBundlePath: settings.workflowBundlePath } : {}),
      ...tuning,
    });
    const bitrix24Worker = await createBitrix24Worker({
      connection,
      namespace: settings.namespace,
      portal: settings.portal,
      activities,
      activitiesPerSecond: settings.bitrix24ActivitiesPerSecond ?? PLAN_LIMITS.standard.drainPerSecond,
      ...tuning,
    });
    const running = runWorker(worker, bitrix24Worker);
    return {
      running,
      async stop() {
        await running.stop();
        await connection.close();
        await clientConnection.close();
      },
    };
  } catch (error) {
    await connection.close();
    await clientConnection.close();
    throw error;
  }
}
