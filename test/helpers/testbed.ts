import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type Bitrix24Client, createWebhookClient, setupPortal } from '../../src/bitrix24';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { connectToDevServer, startTimeSkippingServer, startWorker, uniqueTaskQueue, type RunningWorker } from './temporal';

/** A Temporal server, a sandbox portal with the engine's fields set up, and a worker on a private task queue. */
export interface Testbed {
  env: TestWorkflowEnvironment;
  sandbox: SandboxHandle;
  /**
   * The test's own view of the CRM, unpaced (the sandbox runs without limits): polling it never takes the
   * worker's request budget, which the worker's client paces like a standard portal's.
   */
  bitrix: Bitrix24Client;
  worker: RunningWorker;
  /** Also used as the portal key, so tests never see each other's workflows. */
  taskQueue: string;
  stop(): Promise<void>;
}

export interface TestbedOptions {
  label: string;
  server: 'dev' | 'time-skipping';
  activities: (parts: { bitrix: Bitrix24Client; env: TestWorkflowEnvironment; taskQueue: string }) => object;
  /** The portal's clock (default the real one): lets a test make CRM changes "in the past". */
  portalClock?: () => number;
}

export async function startTestbed(options: TestbedOptions): Promise<Testbed> {
  const taskQueue = uniqueTaskQueue(options.label);
  const [env, sandbox] = await Promise.all([
    options.server === 'dev' ? connectToDevServer() : startTimeSkippingServer(),
    startSandbox({ limits: false, ...(options.portalClock ? { clock: options.portalClock } : {}) }),
  ]);
  const bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl, rateLimiter: false });
  await setupPortal(bitrix, { log: () => undefined });
  const workerBitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl });
  const activities = options.activities({ bitrix: workerBitrix, env, taskQueue });
  const worker = await startWorker(env.nativeConnection, { taskQueue, activities, namespace: 'default' });
  return {
    env,
    sandbox,
    bitrix,
    worker,
    taskQueue,
    async stop() {
      await worker.stop();
      await Promise.all([env.teardown(), sandbox.stop()]);
    },
  };
}
