import { type NativeConnection, Worker } from '@temporalio/worker';
import { bitrix24TaskQueue } from '../temporal/task-queues';
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

export interface Bitrix24WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** The portal key: the worker serves `bitrix24TaskQueue(portal)`. */
  portal: string;
  activities: object;
  /** Activities started per second on the portal's queue, across every worker process (Temporal enforces it). */
  activitiesPerSecond: number;
  tuning?: WorkerTuning;
}

/** Activities only, on the portal's Bitrix24 queue, where the portal's request budget is enforced by Temporal. */
export function createBitrix24Worker(options: Bitrix24WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: bitrix24TaskQueue(options.portal),
    activities: options.activities,
    maxTaskQueueActivitiesPerSecond: options.activitiesPerSecond,
    ...(options.tuning
      ? { maxConcurrentActivityTaskExecutions: options.tuning.maxConcurrentActivityTaskExecutions, shutdownGraceTime: options.tuning.shutdownGraceTimeMs }
      : {}),
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
  /** The worker that runs the workflows. */
  worker: Worker;
  /** Every worker of the process: the workflows' and the Bitrix24 queue's. */
  workers: Worker[];
  /** Settles when the worker has stopped, whatever stopped it. */
  done: Promise<void>;
  /** Graceful shutdown (finish in-flight tasks); safe after the SDK already began shutting down on a signal. */
  stop(): Promise<void>;
}

/**
 * Runs the workflow worker and its companions as one: when any of them stops (a fatal error, or the SDK's own
 * shutdown on a signal) the others stop too, since workflows without their Bitrix24 activities, or the reverse,
 * would only pile up tasks. `done` rejects with the first failure once all have stopped.
 */
export function runWorker(worker: Worker, ...companions: Worker[]): RunningWorker {
  const workers = [worker, ...companions];
  const stopAll = (): void => {
    for (const each of workers) if (each.getState() === 'RUNNING') each.shutdown();
  };
  const runs = workers.map((each) => each.run().finally(stopAll));
  const done = Promise.allSettled(runs).then((results) => {
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  });
  return {
    worker,
    workers,
    done,
    async stop() {
      stopAll();
      await done;
    },
  };
}
