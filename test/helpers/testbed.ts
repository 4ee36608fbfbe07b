import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll } from 'vitest';
import { createActivities } from '../../activities';
import type { Programme } from '../../src/domain/programme';
import { type Bitrix24Client, createWebhookClient, setupPortal } from '../../src/bitrix24';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { dealWorkflowId } from '../../src/temporal/workflow-ids';
import { crmEventSignal, type CrmEventNotice } from '../../workflows/crm-event';
import { deal } from '../../workflows/deal';
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

/** What the bridge does for every Bitrix24 deal event: signal-with-start on the deal's deterministic workflow id. */
export function deliverDealEvent(bed: Testbed, dealId: number, notice: Pick<CrmEventNotice, 'event' | 'ts'> = { event: 'ONCRMDEALUPDATE', ts: Math.floor(Date.now() / 1000) }) {
  return bed.env.client.workflow.signalWithStart(deal, {
    workflowId: dealWorkflowId(bed.taskQueue, dealId),
    taskQueue: bed.taskQueue,
    args: [{ portal: bed.taskQueue, dealId }],
    signal: crmEventSignal,
    signalArgs: [{ ...notice, entityId: dealId, source: 'webhook' }],
  });
}

export interface EngineTestbed {
  readonly bed: Testbed;
  /** The engine's activities as the worker runs them, for a test to call the way a workflow would. */
  readonly activities: ReturnType<typeof createActivities>;
}

/** A testbed running the engine's own activities for `programme`, started before the file's tests and stopped after. */
export function useEngineTestbed(label: string, server: TestbedOptions['server'], programme: Programme): EngineTestbed {
  let bed: Testbed | undefined;
  let activities: ReturnType<typeof createActivities> | undefined;
  beforeAll(async () => {
    bed = await startTestbed({
      label,
      server,
      activities: ({ bitrix, env, taskQueue }) => (activities = createActivities({ bitrix, temporal: env.client, programme, taskQueue })),
    });
  });
  afterAll(async () => bed?.stop());
  const started = <T>(part: T | undefined): T => {
    if (part === undefined) throw new Error(`testbed ${label} is not started`);
    return part;
  };
  return {
    get bed() {
      return started(bed);
    },
    get activities() {
      return started(activities);
    },
  };
}
