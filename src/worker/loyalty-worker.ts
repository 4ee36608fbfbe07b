import { Client, type Connection } from '@temporalio/client';
import { NativeConnection, TransportError } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Bitrix24Client } from '../bitrix24';
import type { Programme } from '../domain/programme';
import { connectToTemporal, reasonOf, TemporalUnreachableError, type TemporalConnectionOptions } from '../temporal/connection';
import { createBitrix24Worker, createLoyaltyWorker, runWorker, type RunningWorker } from './create-worker';
import { PLAN_LIMITS } from './portal-plan';
import { startProgrammeRollout } from './programme-rollout';
import type { WorkerTuning } from './tuning';

export interface LoyaltyWorkerSettings {
  temporalAddress: string;
  /** TLS, API key and gRPC metadata from `temporalConnectionOptions`; `temporalAddress` wins over its address. */
  temporalConnection?: TemporalConnectionOptions;
  /**
   * A client connection already open on the same Temporal (`connectToTemporal`), kept and closed by the caller
   * after `stop`; without it the worker opens its own, waiting at most `TEMPORAL_CONNECT_TIMEOUT_MS`.
   */
  clientConnection?: Connection;
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
  if (settings.clientConnection) return startOn(settings.clientConnection, settings);
  const clientConnection = await connectToTemporal(connectionOptionsOf(settings));
  try {
    const worker = await startOn(clientConnection, settings);
    return {
      running: worker.running,
      async stop() {
        await worker.stop();
        await clientConnection.close();
      },
    };
  } catch (error) {
    await clientConnection.close();
    throw error;
  }
}

function connectionOptionsOf(settings: LoyaltyWorkerSettings): TemporalConnectionOptions {
  return { ...settings.temporalConnection, address: settings.temporalAddress };
}

async function startOn(clientConnection: Connection, settings: LoyaltyWorkerSettings): Promise<StartedLoyaltyWorker> {
  const connection = await connectWorker(connectionOptionsOf(settings));
  try {
    const temporal = new Client({ connection: clientConnection, namespace: settings.namespace });
    const activities = createActivities({ bitrix: settings.bitrix, temporal, programme: settings.programme, taskQueue: settings.taskQueue });
    await startProgrammeRollout(temporal, { portal: settings.portal, taskQueue: settings.taskQueue, programme: settings.programme });
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
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

/** The workers' own (native) connection; a transport failure is reported like the client's. */
async function connectWorker(options: TemporalConnectionOptions): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(options);
  } catch (error) {
    if (error instanceof TransportError) throw new TemporalUnreachableError(options.address, reasonOf(error));
    throw error;
  }
}
