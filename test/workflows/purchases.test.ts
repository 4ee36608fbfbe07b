import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createPurchaseActivities } from '../../activities/purchases';
import { type Bitrix24Client, contacts, createWebhookClient, setupPortal } from '../../src/bitrix24';
import { loadProgramme } from '../../src/config/load-programme';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { purchases, purchasesQuery, purchaseReversedSignal, purchaseWonSignal } from '../../workflows/purchases';
import { recordHistory } from '../helpers/histories';
import { connectToDevServer, eventually, startWorker, uniqueTaskQueue, type RunningWorker } from '../helpers/temporal';

// The example programme: purchases count in pipelines 0 (Sales) and 3 (Travel club); 2 → 3 %, 5 → 7 %.
const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

describe('purchase-count workflow (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let sandbox: SandboxHandle;
  let bitrix: Bitrix24Client;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('purchases');

  beforeAll(async () => {
    [env, sandbox] = await Promise.all([connectToDevServer(), startSandbox({ limits: false })]);
    bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl });
    await setupPortal(bitrix, { log: () => undefined });
    worker = await startWorker(env.nativeConnection, { taskQueue, activities: createPurchaseActivities(bitrix) });
  });
  afterAll(async () => {
    await worker?.stop();
    await Promise.all([env?.teardown(), sandbox?.stop()]);
  });

  it('grows the discount with trips, ignores repeats and other pipelines, and gives a reversed trip back', async () => {
    const contactId = sandbox.portal.contacts.ids()[1]!;
    const handle = await env.client.workflow.start(purchases, {
      taskQueue,
      workflowId: `loyalty/${taskQueue}/purchases/contact-${contactId}`,
      args: [{ portal: taskQueue, contactId, programme }],
    });
    const won = (dealId: number, pipelineId: number) => handle.signal(purchaseWonSignal, { dealId, pipelineId, wonAt: Date.UTC(2026, 0, dealId) });

    await won(1, 3);
    await won(2, 0);
    await won(2, 0); // the same event again
    await won(3, 5); // a service deal: this pipeline does not count purchases
    await eventually(async () => (await handle.query(purchasesQuery)).history.length === 4);
    expect(await handle.query(purchasesQuery)).toMatchObject({ count: 2, percent: 300 });

    await won(4, 3);
    await won(5, 3);
    await won(6, 0);
    await eventually(async () => (await handle.query(purchasesQuery)).count === 5);
    expect((await handle.query(purchasesQuery)).percent).toBe(700);

    await handle.signal(purchaseReversedSignal, { dealId: 4 });
    await handle.signal(purchaseReversedSignal, { dealId: 4 });
    await eventually(async () => (await handle.query(purchasesQuery)).history.length === 9);
    const view = await handle.query(purchasesQuery);
    expect(view).toMatchObject({ count: 4, percent: 300 });
    expect(view.history.map((d) => d.kind)).toEqual(['counted', 'counted', 'ignored', 'ignored', 'counted', 'counted', 'counted', 'uncounted', 'ignored']);
    expect(view.history[3]!.reason).toBe('pipeline Service does not count purchases');

    await eventually(async () => (await bitrix.run(contacts.get(contactId))).loyalty.purchaseCount === 4);
    await recordHistory(handle, 'purchases-trips');
  });
});
