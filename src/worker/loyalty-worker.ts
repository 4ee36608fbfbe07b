import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Bitrix24Client } from '../bitrix24';
import type { Programme } from '../domain/programme';
import { createLoyaltyWorker, runWorker, type RunningWorker } from './create-worker';

export interface LoyaltyWorkerSettings {
  temporalAddress: string;
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
  const clientConnection = await Connection.connect({ address: settings.temporalAddress });
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  try {
    const temporal = new Client({ connection: clientConnection, namespace: settings.namespace });
    const worker = await createLoyaltyWorker({
      connection,
      namespace: settings.namespace,
      taskQueue: settings.taskQueue,
      activities: createActivities({ bitrix: settings.bitrix, temporal, programme: settings.programme, taskQueue: settings.taskQueue }),
      ...(settings.workflowBundlePath ? { workflowBundlePath: settings.workflowBundlePath } : {}),
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
