import { spawn } from 'node:child_process';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/http/server';
import { loadProgramme } from '../../src/config/load-programme';
import { bonusWorkflowId, contactWorkflowId } from '../../src/temporal/workflow-ids';
import { cashbackQuery } from '../../workflows/cashback';
import { inject } from 'vitest';
import { startTestbed, type Testbed } from '../helpers/testbed';

const ROOT = path.resolve(__dirname, '../..');
const RULES = path.join(ROOT, 'loyalty.config.yaml');
const programme = loadProgramme(RULES);
const TOKEN = 'admin-token-for-the-integration-test-0123';

let bed: Testbed;
let admin: RunningAdminServer;
let portal: string;

beforeAll(async () => {
  bed = await startTestbed({
    label: 'admin',
    server: 'dev',
    activities: ({ bitrix, env, taskQueue }) => createActivities({ bitrix, temporal: env.client, programme, taskQueue }),
  });
  portal = bed.taskQueue;
  admin = await startAdminServer({
    context: { client: bed.env.client, programme, portal, taskQueue: bed.taskQueue, bitrix: bed.bitrix },
    token: TOKEN,
    port: 0,
  });
});
afterAll(async () => {
  await admin?.stop();
  await bed?.stop();
});

function post(route: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${admin.url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function answer(response: Response): Promise<{ status: number; body: Record<string, unknown> }> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function workflowExists(workflowId: string): Promise<boolean> {
  try {
    await bed.env.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

async function ledger(contactId: number) {
  return bed.env.client.workflow.getHandle(contactWorkflowId(portal, 'cashback', contactId)).query(cashbackQuery);
}

function contact(index: number): number {
  return bed.sandbox.portal.contacts.ids()[index]!;
}

describe('admin API: bonuses', () => {
  it('grants once for a repeated Idempotency-Key and answers the same both times', async () => {
    const contactId = contact(0);
    const body = { contactId, amount: '750.50', reason: 'the courier was two days late', author: 7 };
    const first = await answer(await post('/admin/bonus/apology', body, { 'idempotency-key': 'http-apology-1' }));
    const again = await answer(await post('/admin/bonus/apology', body, { 'idempotency-key': 'http-apology-1' }));

    expect(first).toMatchObject({ status: 200, body: { requestId: 'http-apology-1', contactId, kind: 'apology', amount: '750.50', amountMinor: 750_50, currency: 'RUB', credited: true, balanceAfter: '750.50' } });
    expect(again).toEqual(first);
    const credits = (await ledger(contactId)).history.filter((entry) => entry.kind === 'manual-credit');
    expect(credits.map((entry) => [entry.amount, entry.author])).toEqual([[750_50, 'user:7']]);
  });

  it('takes the request id from the body too, and refuses it reused for another bonus (409)', async () => {
    const contactId = contact(1);
    const body = { contactId, reason: 'a five-star review with photos', author: '12', requestId: 'http-review-1' };
    const first = await answer(await post('/admin/bonus/review', body));
    expect(first).toMatchObject({ status: 200, body: { amount: '300.00', credited: true } });
    const conflict = await answer(await post('/admin/bonus/review', { ...body, amount: 999 }));
    expect(conflict.status).toBe(409);
    expect((await ledger(contactId)).history).toHaveLength(1);
  });

  it('answers 401 without or with a wrong bearer token, and starts nothing', async () => {
    const body = { contactId: contact(2), reason: 'the courier was two days late', author: 7 };
    const missing = await post('/admin/bonus/apology', body, { authorization: '', 'idempotency-key': 'unauthorized-1' });
    const wrong = await post('/admin/bonus/apology', body, { authorization: `Bearer ${TOKEN}x`, 'idempotency-key': 'unauthorized-2' });
    const otherScheme = await post('/admin/bonus/apology', body, { authorization: `Basic ${TOKEN}`, 'idempotency-key': 'unauthorized-3' });
    for (const response of [missing, wrong, otherScheme]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
    }
    for (const id of ['unauthorized-1', 'unauthorized-2', 'unauthorized-3']) expect(await workflowExists(bonusWorkflowId(portal, id))).toBe(false);
    expect(await workflowExists(contactWorkflowId(portal, 'cashback', contact(2)))).toBe(false);
    expect((await fetch(`${admin.url}/admin/contacts/${contact(0)}`)).status).toBe(401);
  });

  it('answers 400 naming the field for a malformed body, and 422 listing the rules broken; nothing is started', async () => {
    const contactId = contact(3);
    const malformed = await answer(await post('/admin/bonus/apology', { contactId: 'twelve', amount: '1.234', reason: 5, author: 7, extra: 1 }, { 'idempotency-key': 'bad-body-1' }));
    expect(malformed.status).toBe(400);
    expect(malformed.body.problems).toEqual(
      expect.arrayContaining(['contactId: must be a positive whole number', 'amount: must have at most 2 decimal places', 'reason: must be a string', 'extra: unknown key']),
    );
    const noKey = await answer(await post('/admin/bonus/apology', { contactId, reason: 'the courier was two days late', author: 7 }));
    expect(noKey).toMatchObject({ status: 400, body: { problems: [expect.stringMatching(/^requestId: is required/)] } });
    const notJson = await fetch(`${admin.url}/admin/bonus/apology`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{"contactId":' });
    expect(notJson.status).toBe(400);

    const refused = await answer(await post('/admin/bonus/apology', { contactId, amount: 5000, reason: 'late', author: 99 }, { 'idempotency-key': 'refused-1' }));
    expect(refused.status).toBe(422);
    expect(refused.body.problems).toEqual([
      'amount: 500000 exceeds the apology bonus maximum 300000 (minor units)',
      'reason: must be at least 20 characters, got 4',
      'grantedBy: user 99 may not grant apology bonuses',
    ]);
    for (const id of ['bad-body-1', 'refused-1']) expect(await workflowExists(bonusWorkflowId(portal, id))).toBe(false);
    expect(await workflowExists(contactWorkflowId(portal, 'cashback', contactId))).toBe(false);
  });

  it('accepts the form encoding a Bitrix24 business process sends', async () => {
    const contactId = contact(4);
    const response = await fetch(`${admin.url}/admin/bonus/review`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'form-review-1' },
      body: new URLSearchParams({ contactId: String(contactId), amount: '120', reason: 'review on the company page', author: '1' }).toString(),
    });
    expect(await answer(response)).toMatchObject({ status: 200, body: { amount: '120.00', credited: true, balanceAfter: '120.00' } });
  });
});

describe('admin API: redemptions and the contact report', () => {
  it('debits once per request id within the balance and the cap; refuses more without debiting', async () => {
    const contactId = contact(5);
    await post('/admin/bonus/apology', { contactId, amount: 1000, reason: 'order arrived damaged, replaced', author: 1 }, { 'idempotency-key': 'redeem-setup-1' });
    const dealId = bed.sandbox.portal.deals.add({ TITLE: 'Redemption test', OPPORTUNITY: '10000.00', CURRENCY_ID: 'RUB', IS_MANUAL_OPPORTUNITY: 'Y', CONTACT_ID: contactId });

    const first = await answer(await post('/admin/redeem', { contactId, dealId, amount: '250.00' }, { 'idempotency-key': 'redeem-1' }));
    const again = await answer(await post('/admin/redeem', { contactId, dealId, amount: '250.00' }, { 'idempotency-key': 'redeem-1' }));
    expect(first).toMatchObject({ status: 200, body: { requestId: 'redeem-1', dealId, amountMinor: 250_00, applied: true, balanceAfter: '750.00' } });
    expect(again).toEqual(first);

    const overBalance = await answer(await post('/admin/redeem', { contactId, dealId, amount: 900 }, { 'idempotency-key': 'redeem-2' }));
    expect(overBalance.status).toBe(422);
    expect(overBalance.body.problems).toEqual(['insufficient cashback balance: requested 90000, available 75000 (minor units)']);
    const overCap = await answer(await post('/admin/redeem', { contactId, dealId, amount: 3500 }, { 'idempotency-key': 'redeem-3' }));
    expect(overCap.status).toBe(422);
    expect(overCap.body.problems).toEqual(['amount: cashback may pay at most 30 % of deal ' + dealId + ', 3000.00 RUB of 10000.00 RUB']);
    const reused = await answer(await post('/admin/redeem', { contactId, dealId, amount: 100 }, { 'idempotency-key': 'redeem-1' }));
    expect(reused.status).toBe(409);

    const account = await ledger(contactId);
    expect(account.history.filter((entry) => entry.kind === 'spend').map((entry) => entry.amount)).toEqual([250_00]);
    expect(account.balances.net).toBe(750_00);

    const report = await answer(await fetch(`${admin.url}/admin/contacts/${contactId}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ contactId, cashback: { balances: { net: 750_00 } } });
  });

  it('refuses a redemption by someone who is not the deal\'s payer', async () => {
    const payer = contact(6);
    const dealId = bed.sandbox.portal.deals.add({ TITLE: 'Not yours', OPPORTUNITY: '5000.00', CURRENCY_ID: 'RUB', IS_MANUAL_OPPORTUNITY: 'Y', CONTACT_ID: payer });
    const refused = await answer(await post('/admin/redeem', { contactId: contact(7), dealId, amount: 10 }, { 'idempotency-key': 'not-payer-1' }));
    expect(refused).toMatchObject({ status: 422, body: { problems: [`contactId: contact ${contact(7)} is not the payer (primary contact) of deal ${dealId}`] } });
  });
});

describe('loyalty bonus (CLI) on the dev server', () => {
  function loyalty(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: inject('temporalNamespace'), LOYALTY_PORTAL: portal, LOYALTY_TASK_QUEUE: bed.taskQueue },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  }

  it('grants once for the same request id, prints the new balance, and prints a generated request id', async () => {
    const contactId = contact(8);
    const args = ['bonus', 'review', '--contact', String(contactId), '--reason', 'wrote a detailed review', '--author', '3', '--rules', RULES];
    const first = await loyalty([...args, '--request-id', 'cli-review-1', '--json']);
    const again = await loyalty([...args, '--request-id', 'cli-review-1', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ requestId: 'cli-review-1', amount: '300.00', credited: true, balanceAfter: '300.00' });
    expect(again.stdout).toBe(first.stdout);

    const generated = await loyalty([...args, '--amount', '50']);
    expect(generated.code).toBe(0);
    const requestId = /Request id (\S+) \(repeat with --request-id \1/.exec(generated.stderr)?.[1];
    expect(requestId).toBeDefined();
    expect(generated.stdout).toContain(`Review bonus 50.00 RUB for contact ${contactId}, request id ${requestId}: credited.`);
    expect(generated.stdout).toContain('Cashback balance: 350.00 RUB');
    expect((await ledger(contactId)).history.map((entry) => entry.amount)).toEqual([300_00, 50_00]);
  });
});
