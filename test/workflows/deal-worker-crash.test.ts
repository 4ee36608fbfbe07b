import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type Bitrix24Client, contacts, createWebhookClient, setupPortal } from '../../src/bitrix24';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { contactWorkflowId, dealWorkflowId } from '../../src/temporal/workflow-ids';
import { cashbackQuery } from '../../workflows/cashback';
import { crmEventSignal } from '../../workflows/crm-event';
import { deal } from '../../workflows/deal';
import { purchasesQuery } from '../../workflows/purchases';
import { connectToDevServer, eventually, uniqueTaskQueue } from '../helpers/temporal';
import { spawnLoyaltyWorker } from '../helpers/worker-process';

const spawnWorker = async (taskQueue: string, webhookUrl: string): Promise<ChildProcess> => (await spawnLoyaltyWorker({ taskQueue, webhookUrl })).child;

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // tsx runs the CLI in a child node process: kill the whole tree, as a crash would.
    spawn('pkill', ['-KILL', '-P', String(child.pid)]).once('exit', () => child.kill('SIGKILL'));
  });
}

describe('a worker killed with SIGKILL in the middle of deal processing (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let sandbox: SandboxHandle;
  let bitrix: Bitrix24Client;
  const workers: ChildProcess[] = [];
  const taskQueue = uniqueTaskQueue('crash');

  beforeAll(async () => {
    [env, sandbox] = await Promise.all([connectToDevServer(), startSandbox({ limits: false })]);
    bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl });
    await setupPortal(bitrix, { log: () => undefined });
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) await killHard(worker);
    await Promise.all([env?.teardown(), sandbox?.stop()]);
  });

  it('leaves no duplicate credit or count after a restart', async () => {
    const [payer, traveller] = sandbox.portal.contacts.ids();
    const dealId = sandbox.portal.deals.add({ TITLE: 'Crash test', CATEGORY_ID: 0, STAGE_ID: 'NEW' });
    sandbox.portal.deals.setContacts(dealId, [{ CONTACT_ID: payer!, IS_PRIMARY: 'Y' }, { CONTACT_ID: traveller! }]);
    sandbox.portal.deals.setProductRows(dealId, [{ PRODUCT_ID: 1, PRICE: '40000.00', QUANTITY: 1 }]);
    sandbox.portal.deals.setStage(dealId, 'WON');
    // A slow portal keeps the worker inside a CRM call long enough to be killed there.
    sandbox.setFaults({ latencyMs: 1_500 });

    workers.push(await spawnWorker(taskQueue, sandbox.webhookUrl));
    const handle = await env.client.workflow.signalWithStart(deal, {
      workflowId: dealWorkflowId(taskQueue, dealId),
      taskQueue,
      args: [{ portal: taskQueue, dealId }],
      signal: crmEventSignal,
      signalArgs: [{ event: 'ONCRMDEALUPDATE', entityId: dealId, ts: Math.floor(Date.now() / 1000), source: 'webhook' }],
    });
    await eventually(async () => {
      const { events } = await handle.fetchHistory();
      return (events ?? []).some((e) => e.activityTaskStartedEventAttributes);
    });
    await killHard(workers[0]!);

    sandbox.setFaults({});
    workers.push(await spawnWorker(taskQueue, sandbox.webhookUrl));

    const cashbackOf = env.client.workflow.getHandle(contactWorkflowId(taskQueue, 'cashback', payer!));
    await eventually(async () => (await cashbackOf.query(cashbackQuery).catch(() => null))?.balances.net === 2_000_00, 90_000);
    const purchasesOf = env.client.workflow.getHandle(contactWorkflowId(taskQueue, 'purchases', traveller!));
    await eventually(async () => (await purchasesOf.query(purchasesQuery).catch(() => null))?.count === 1, 30_000);
    await eventually(async () => (await bitrix.run(contacts.get(payer!))).loyalty.cashbackBalanceMinor === 2_000_00);

    // Whatever was repeated after the crash, each effect happened once.
    const account = await cashbackOf.query(cashbackQuery);
    expect(account.history.map((e) => [e.kind, e.key, e.amount])).toEqual([['accrual', `deal:${dealId}`, 2_000_00]]);
    expect((await purchasesOf.query(purchasesQuery)).history.filter((d) => d.kind === 'counted')).toHaveLength(1);
  }, 150_000);
});
