import { type NativeConnection, Worker } from '@temporalio/worker';
import { WORKFLOWS_ENTRY } from './bundle';

export interface LoyaltyWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /** A prebuilt bundle (production); without it the workflows are bundled at start-up. */
  workflowBundlePath?: string;
}

export function createLoyaltyWorker(options: LoyaltyWorkerOptions): Promise<Worker> {
  const code = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath: WORKFLOWS_ENTRY };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...code,
  });
}

export interface RunningWorker {
  worker: Worker;
  /** Settles when the worker has stopped, whatever stopped it. */
  done: Promise<void>;
  /** Graceful shutdown (finish in-flight tasks); safe after the SDK already began shutting down on a signal. */
  stop(): Promise<void>;
}

export function runWorker(worker: Worker): RunningWorker {
  const done = worker.run();
  return {
    worker,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
