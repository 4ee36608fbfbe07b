import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { type NativeConnection, Runtime, Worker, DefaultLogger } from '@temporalio/worker';
import { createTimeSkippingEnvironment } from '../../src/temporal/time-skipping';
import { createBitrix24Worker, runWorker, type RunningWorker } from '../../src/worker/create-worker';
import { PLAN_LIMITS } from '../../src/worker/portal-plan';

export type { RunningWorker };
import { inject } from 'vitest';

let runtimeQuieted = false;

/** Keeps test output readable: the SDK logs every worker state change at INFO. */
function quietRuntime(): void {
  if (runtimeQuieted) return;
  runtimeQuieted = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/** Every test gets its own task queue so tests in one file or across files never steal each other's tasks. */
export function uniqueTaskQueue(label: string): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

export function workflowBundle(): { codePath: string } {
  return { codePath: inject('workflowBundlePath') };
}

/** A client environment on the shared dev server started in global setup. */
export async function connectToDevServer(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createFromExistingServer({
    address: inject('temporalAddress'),
    namespace: inject('temporalNamespace'),
  });
}

/**
 * A private time-skipping server (the Java test server). Time skipping is global to a server,
 * so each test file gets its own rather than sharing one.
 */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const serverPath = inject('timeSkippingServerPath');
  return createTimeSkippingEnvironment(serverPath ? { type: 'existing-path', path: serverPath } : { type: 'cached-download' });
}

/**
 * The worker pair a loyalty process runs: workflows and activities on `taskQueue`, and the same activities on the
 * portal's Bitrix24 queue (`portal`, default the task queue, as the testbed's workflows use). Workflows must be
 * started with that portal: on the time-skipping server an activity no worker polls holds time still for good.
 */
export async function startWorker(
  connection: NativeConnection,
  options: { taskQueue: string; activities?: object; namespace?: string; portal?: string },
): Promise<RunningWorker> {
  const namespace = options.namespace ?? inject('temporalNamespace');
  const activities = options.activities ?? {};
  const worker = await Worker.create({ connection, namespace, taskQueue: options.taskQueue, workflowBundle: workflowBundle(), activities });
  const bitrix24 = await createBitrix24Worker({
    connection,
    namespace,
    portal: options.portal ?? options.taskQueue,
    activities,
    activitiesPerSecond: PLAN_LIMITS.standard.drainPerSecond,
  });
  return runWorker(worker, bitrix24);
}

/**
 * Polls until `check` holds, for state that a running workflow reaches asynchronously. The default allows for a chain
 * of a dozen or more Bitrix24 activities, which the worker starts at a standard portal's 2 per second, on a busy
 * two-core CI machine; a condition that holds returns as soon as it does.
 */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
