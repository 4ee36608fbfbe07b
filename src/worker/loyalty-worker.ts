import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Bitrix24Client } from '../bitrix24';
import type { Programme } from '../domain/programme';
import type { TemporalConnectionOptions } from '../temporal/connection';
import { createLoyaltyWorker, runWorker, type RunningWorker } from './create-worker';
import type { WorkerTuning } from './tuning';

export interface LoyaltyWorkerSettings {
  temporalAddress: string;
  /** TLS, API key and gRPC metadata from `temporalConnectionOptions`; `temporalAddress` wins over its address. */
  temporalConnection?: TemporalConnectionOptions;
  tuning?: WorkerTuning;
  namespace: string;
  taskQueue: string;
  bitrix: Bitrix24Client;
  programme: Programme;
  workflowBundlePath?: string;
}

export interface StartedLoyaltyWorker {
  running: RunningWorker;
  /** Stops the worker gracefully, then closes its connections. */
  stop(): Promise<void>;
}

/** Connects to Temporal and runs the loyalty workflows and activities for one portal. */
export async function startLoyaltyWorker(settings: LoyaltyWorkerSettings): Promise<StartedLoyaltyWorker> {
  const connectionOptions = { ...settings.temporalConnection, address: settings.temporalAddress };
  const clientConnection = await Connection.connect(connectionOptions);
  const connection = await NativeConnection.connect(connectionOptions);
  try {
    const temporal = new Client({ connection: clientConnection, namespace: settings.namespace });
    const worker = await createLoyaltyWorker({
      connection,
      namespace: settings.namespace,
      taskQueue: settings.taskQueue,
      activities: createActivities({ bitrix: settings.bitrix, temporal, programme: settings.programme, taskQueue: settings.taskQueue }),
      ...(settings.workflowBundlePath ? { workflowBundlePath: settings.workflowBundlePath } : {}),
      ...(settings.tuning ? { tuning: settings.tuning } : {}),
    });
    const running = runWorker(worker);
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
