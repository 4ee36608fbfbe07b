import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createWebhookClient, setupPortal } from '../../src/bitrix24';
import { loadProgramme } from '../../src/config/load-programme';
import { createJsonLogger } from '../../src/observability/logger';
import { installTemporalRuntime } from '../../src/observability/temporal-runtime';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { bitrix24TaskQueue } from '../../src/temporal/task-queues';
import { dealWorkflowId } from '../../src/temporal/workflow-ids';
import { startLoyaltyWorker, type StartedLoyaltyWorker } from '../../src/worker/loyalty-worker';
import { readWorkerTuning } from '../../src/worker/tuning';
import { crmEventSignal } from '../../workflows/crm-event';
import { deal } from '../../workflows/deal';
import { eventually, uniqueTaskQueue } from '../helpers/temporal';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

// This file installs the process-wide Temporal Runtime itself, so it does not use the shared test helpers that
// install a quiet one.
describe('production worker: JSON logs correlated by CRM ids, Temporal runtime metrics, explicit tuning (dev server)', () => {
  const lines: string[] = [];
  const taskQueue = uniqueTaskQueue('observability');
  let metricsUrl: string;
  let sandbox: SandboxHandle;
  let clientConnection: Connection;
  let worker: StartedLoyaltyWorker;

  beforeAll(async () => {
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const logger = createJsonLogger({ service: 'worker', level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    installTemporalRuntime({ logger, logLevel: 'debug', metricsBindAddress: `127.0.0.1:${metricsPort}` });

    sandbox = await startSandbox({ limits: false });
    await setupPortal(createWebhookClient({ webhookUrl: sandbox.webhookUrl }), { log: () => undefined });
    clientConnection = await Connection.connect({ address: inject('temporalAddress') });
    worker = await startLoyaltyWorker({
      temporalAddress: inject('temporalAddress'),
      namespace: inject('temporalNamespace'),
      taskQueue,
      portal: taskQueue,
      bitrix24ActivitiesPerSecond: 1.5,
      bitrix: createWebhookClient({ webhookUrl: sandbox.webhookUrl }),
      programme: loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml')),
      workflowBundlePath: inject('workflowBundlePath'),
      tuning: readWorkerTuning({ LOYALTY_WORKER_MAX_CACHED_WORKFLOWS: '7', LOYALTY_WORKER_MAX_CONCURRENT_ACTIVITIES: '3' }),
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await clientConnection?.close();
    await sandbox?.stop();
  });

  it('runs the portal’s Bitrix24 activities on their own rate-limited queue', () => {
    expect(worker.running.workers.map((w) => w.options.taskQueue)).toEqual([taskQueue, bitrix24TaskQueue(taskQueue)]);
    expect(worker.running.workers[1]?.options).toMatchObject({ maxTaskQueueActivitiesPerSecond: 1.5, tuner: { activityTaskSlotSupplier: { type: 'fixed-size', numSlots: 3 } } });
  });

  it('runs with the configured cache and concurrency limits', () => {
    expect(worker.running.worker.options).toMatchObject({
      maxCachedWorkflows: 7,
      shutdownGraceTimeMs: 30_000,
      tuner: {
        activityTaskSlotSupplier: { type: 'fixed-size', numSlots: 3 },
        workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 20 },
      },
    });
  });

  it('logs a deal’s workflow and activity lines as JSON carrying the portal and deal ids, and no personal data', async () => {
    const [payer] = sandbox.portal.contacts.ids();
    const contact = sandbox.portal.contacts.get(payer!)!;
    const dealId = sandbox.portal.deals.add({ TITLE: 'Observed deal', CATEGORY_ID: 0, STAGE_ID: 'NEW' });
    sandbox.portal.deals.setContacts(dealId, [{ CONTACT_ID: payer!, IS_PRIMARY: 'Y' }]);
    sandbox.portal.deals.setProductRows(dealId, [{ PRODUCT_ID: 1, PRICE: '1000.00', QUANTITY: 1 }]);
    sandbox.portal.deals.setStage(dealId, 'WON');
    const workflowId = dealWorkflowId(taskQueue, dealId);
    const client = new Client({ connection: clientConnection, namespace: inject('temporalNamespace') });
    await client.workflow.signalWithStart(deal, {
      workflowId,
      taskQueue,
      args: [{ portal: taskQueue, dealId }],
      signal: crmEventSignal,
      signalArgs: [{ event: 'ONCRMDEALUPDATE', entityId: dealId, ts: Math.floor(Date.now() / 1000), source: 'webhook' }],
    });

    const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const ofDeal = () => parsed().filter((entry) => entry.workflowId === workflowId);
    await eventually(async () => ofDeal().some((entry) => entry.activityType !== undefined && entry.msg === 'Activity completed'));

    for (const entry of ofDeal()) {
      expect(entry).toMatchObject({ service: 'worker', portal: taskQueue, dealId });
      expect(typeof entry.time === 'string' && !Number.isNaN(Date.parse(entry.time))).toBe(true);
    }
    expect(ofDeal().map((entry) => entry.msg)).toContain('Workflow started');
    expect(ofDeal().find((entry) => entry.msg === 'Activity completed')).toMatchObject({ level: 'debug', activityType: expect.any(String) });
    // Core's own lines would carry history payloads: they stay below the engine's level.
    expect(parsed().filter((entry) => entry.sdkComponent === 'core' && ['debug', 'trace', 'info'].includes(String(entry.level)))).toEqual([]);
    const everything = lines.join('\n');
    const personal = [contact.NAME, contact.LAST_NAME];
    expect(personal.every((value) => typeof value === 'string' && value.length > 1)).toBe(true);
    for (const value of personal) expect(everything).not.toContain(value);
  });

  it('serves the Temporal runtime metrics of this worker for Prometheus', async () => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(new RegExp(`^temporal_worker_task_slots_available\\{[^}]*task_queue="${taskQueue}"`, 'm'));
    expect(text).toMatch(new RegExp(`^temporal_activity_execution_latency_count\\{[^}]*task_queue="${taskQueue}"[^}]*\\} [1-9]`, 'm'));
  });
});
