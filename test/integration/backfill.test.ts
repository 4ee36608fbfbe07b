import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { createWebhookClient } from '../../src/bitrix24';
import { backfillCommand } from '../../src/cli/backfill';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { connectToDevServer, eventually, uniqueTaskQueue, type RunningWorker } from '../helpers/temporal';
import { accrualsOf, addWonDeal, dealPassesOf, purchaseCountOf, RULES_FILE, startPortalWorker } from './intake-harness';

describe('loyalty backfill on the shared dev server', () => {
  let env: TestWorkflowEnvironment;
  let sandbox: SandboxHandle;
  let worker: RunningWorker;
  const portal = uniqueTaskQueue('backfill');
  let printed: string[] = [];

  beforeAll(async () => {
    env = await connectToDevServer();
    sandbox = await startSandbox({ limits: false });
    const bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl });
    worker = await startPortalWorker({ connection: env.nativeConnection, client: env.client, bitrix, taskQueue: portal });
  });
  afterAll(async () => {
    await worker?.stop();
    await sandbox?.stop();
    await env?.teardown();
  });
  afterEach(() => vi.restoreAllMocks());

  const backfill = async (...args: string[]): Promise<string[]> => {
    printed = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(...String(line).split('\n')));
    const common = ['--webhook-url', sandbox.webhookUrl, '--rules', RULES_FILE, '--portal', portal, '--task-queue', portal];
    await backfillCommand().parseAsync([...args, ...common, '--temporal-address', inject('temporalAddress')], { from: 'user' });
    vi.restoreAllMocks();
    return printed;
  };
  const workflowsOfPortal = async () => (await env.client.workflow.count(`LoyaltyPortal = '${portal}'`)).count;

  it('prints what a dry run would credit and starts nothing; the real run credits each won deal once, however often it runs', async () => {
    // History from the spreadsheet era: deals already won, whose events the engine never saw.
    const small = addWonDeal(sandbox, '10000.00', { CLOSEDATE: '2025-03-10' });
    const large = addWonDeal(sandbox, '60000.00', { CLOSEDATE: '2025-07-01' });
    const beforeSince = addWonDeal(sandbox, '20000.00', { CLOSEDATE: '2024-12-31' });
    const travelClub = sandbox.portal.deals.add({ TITLE: 'Trip', CATEGORY_ID: 1, STAGE_ID: 'C1:NEW', CONTACT_IDS: [small.buyerId], OPPORTUNITY: '5000.00', IS_MANUAL_OPPORTUNITY: 'Y', CLOSEDATE: '2025-05-05' });
    sandbox.portal.deals.setStage(travelClub, 'C1:WON');
    const noBuyer = sandbox.portal.deals.add({ TITLE: 'Walk-in', CATEGORY_ID: 0, STAGE_ID: 'NEW', OPPORTUNITY: '700.00', IS_MANUAL_OPPORTUNITY: 'Y', CLOSEDATE: '2025-02-02' });
    sandbox.portal.deals.setStage(noBuyer, 'WON');
    const open = sandbox.portal.deals.add({ TITLE: 'Still talking', CATEGORY_ID: 0, STAGE_ID: 'NEW', OPPORTUNITY: '999.00', IS_MANUAL_OPPORTUNITY: 'Y', CLOSEDATE: '2025-06-01' });
    // The seeded portal's own won deals (closing next week) are listed too; the expectations below are about these.
    const wonSince = [small.dealId, large.dealId, travelClub, noBuyer];

    const dryRun = await backfill('--since', '2025-01-01', '--dry-run');
    const dealLines = dryRun.filter((line) => line.startsWith('deal '));
    expect(dealLines).toEqual(
      expect.arrayContaining([
        `deal ${small.dealId}  closed 2025-03-10  pipeline 0  amount 10000.00 RUB  cashback 500.00 RUB to contact ${small.buyerId}`,
        `deal ${large.dealId}  closed 2025-07-01  pipeline 0  amount 60000.00 RUB  cashback 4200.00 RUB to contact ${large.buyerId}`,
        `deal ${travelClub}  closed 2025-05-05  pipeline 1  amount 5000.00 RUB  cashback 250.00 RUB to contact ${small.buyerId}`,
        `deal ${noBuyer}  closed 2025-02-02  pipeline 0  amount 700.00 RUB  no cashback: no primary contact to credit`,
      ]),
    );
    const listed = dealLines.map((line) => Number(/^deal (\d+)/.exec(line)![1]));
    expect(listed).toEqual(expect.arrayContaining(wonSince));
    expect(listed).not.toContain(beforeSince.dealId);
    expect(listed).not.toContain(open);
    expect(dryRun[0]).toBe(`Dry run: ${listed.length} won deals closed since 2025-01-01; nothing is started.`);
    expect(dryRun.at(-1)).toMatch(/^Would credit \d+\.\d{2} RUB cashback on \d+ of \d+ deals; every contact of each deal counts one purchase\.$/);
    expect(await workflowsOfPortal()).toBe(0);

    const real = await backfill('--since', '2025-01-01');
    expect(real[0]).toBe(`Handed ${listed.length} won deals closed since 2025-01-01 to their deal workflows (portal "${portal}").`);
    for (const dealId of wonSince) await eventually(async () => (await dealPassesOf(env.client, portal, dealId))?.passes === 1, 30_000);
    await eventually(async () => (await accrualsOf(env.client, portal, small.buyerId)).length === 2 && (await accrualsOf(env.client, portal, large.buyerId)).length === 1, 30_000);

    await backfill('--since', '2025-01-01');
    for (const dealId of wonSince) await eventually(async () => (await dealPassesOf(env.client, portal, dealId))?.passes === 2, 30_000);
    // The small deal's buyer also travelled with the club: one credit per deal, two purchases.
    expect((await accrualsOf(env.client, portal, small.buyerId)).sort((a, b) => b.amount - a.amount)).toEqual([
      { key: `deal:${small.dealId}`, amount: 500_00 },
      { key: `deal:${travelClub}`, amount: 250_00 },
    ]);
    expect(await accrualsOf(env.client, portal, large.buyerId)).toEqual([{ key: `deal:${large.dealId}`, amount: 4_200_00 }]);
    expect(await purchaseCountOf(env.client, portal, small.buyerId)).toBe(2);
    expect(await purchaseCountOf(env.client, portal, large.buyerId)).toBe(1);
    expect(await accrualsOf(env.client, portal, beforeSince.buyerId)).toEqual([]);
    for (const dealId of wonSince) expect((await dealPassesOf(env.client, portal, dealId))?.wins).toBe(1);
  });

  it('refuses a --since that is not a calendar date, naming the option', async () => {
    await expect(backfill('--since', '2025-02-30', '--dry-run')).rejects.toThrow('--since: "2025-02-30" must be a calendar date YYYY-MM-DD, such as 2025-01-01');
    await expect(backfill('--since', '01.02.2025', '--dry-run')).rejects.toThrow('--since: "01.02.2025" must be a calendar date YYYY-MM-DD');
  });
});
