import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { setupPortal, createWebhookClient } from '../../src/bitrix24';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { dealWorkflowId } from '../../src/temporal/workflow-ids';
import { crmEventSignal } from '../../workflows/crm-event';
import { deal } from '../../workflows/deal';
import { connectToDevServer, eventually, uniqueTaskQueue } from '../helpers/temporal';
import { spawnLoyaltyWorker, type WorkerProcess } from '../helpers/worker-process';

describe('a worker stopped with SIGTERM (what `docker stop` sends) in the middle of a CRM call (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let sandbox: SandboxHandle;
  let worker: WorkerProcess | undefined;
  const taskQueue = uniqueTaskQueue('sigterm');

  beforeAll(async () => {
    [env, sandbox] = await Promise.all([connectToDevServer(), startSandbox({ limits: false })]);
    await setupPortal(createWebhookClient({ webhookUrl: sandbox.webhookUrl }), { log: () => undefined });
  });
  afterAll(async () => {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await Promise.all([env?.teardown(), sandbox?.stop()]);
  });

  it('finishes the running activity, then exits with code 0', async () => {
    const [payer] = sandbox.portal.contacts.ids();
    const dealId = sandbox.portal.deals.add({ TITLE: 'Shutdown test', CATEGORY_ID: 0, STAGE_ID: 'NEW' });
    sandbox.portal.deals.setContacts(dealId, [{ CONTACT_ID: payer!, IS_PRIMARY: 'Y' }]);
    sandbox.portal.deals.setStage(dealId, 'WON');
    // A slow portal keeps the activity running when the signal arrives.
    sandbox.setFaults({ latencyMs: 2_000 });

    worker = await spawnLoyaltyWorker({ taskQueue, webhookUrl: sandbox.webhookUrl, env: { LOYALTY_WORKER_SHUTDOWN_GRACE_SECONDS: '30' } });
    const handle = await env.client.workflow.signalWithStart(deal, {
      workflowId: dealWorkflowId(taskQueue, dealId),
      taskQueue,
      args: [{ portal: taskQueue, dealId }],
      signal: crmEventSignal,
      signalArgs: [{ event: 'ONCRMDEALUPDATE', entityId: dealId, ts: Math.floor(Date.now() / 1000), source: 'webhook' }],
    });
    const events = async () => (await handle.fetchHistory()).events ?? [];
    await eventually(async () => (await events()).some((e) => e.activityTaskStartedEventAttributes));
    const running = (await events()).find((e) => e.activityTaskStartedEventAttributes)!.activityTaskStartedEventAttributes!.scheduledEventId;

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });

    // Drained, not abandoned: the attempt that was running when SIGTERM came completed before the exit.
    const history = await events();
    const outcome = history.find((e) =>
      [e.activityTaskCompletedEventAttributes, e.activityTaskFailedEventAttributes, e.activityTaskTimedOutEventAttributes, e.activityTaskCanceledEventAttributes]
        .some((attributes) => attributes?.scheduledEventId?.toString() === running?.toString()),
    );
    expect(outcome?.activityTaskCompletedEventAttributes).toBeTruthy();
  }, 60_000);
});
