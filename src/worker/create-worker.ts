import { type NativeConnection, Worker } from '@temporalio/worker';
import { WORKFLOWS_ENTRY } from './bundle';
import type { WorkerTuning } from './tuning';

export interface LoyaltyWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /** A prebuilt bundle (production); without it the workflows are bundled at start-up. */
  workflowBundlePath?: string;
  /** Cache, concurrency and shutdown grace; the SDK's defaults without it. */
  tuning?: WorkerTuning;
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
    ...(options.tuning ? workerTuningOptions(options.tuning) : {}),
  });
}

function workerTuningOptions(tuning: WorkerTuning) {
  return {
    maxCachedWorkflows: tuning.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions,
    maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions,
    shutdownGraceTime: tuning.shutdownGraceTimeMs,
  };
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
