import { spawn } from 'node:child_process';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import type { ContactLoyaltyReport } from '../../src/admin/inspect-contact';
import { startAdminServer, type RunningAdminServer } from '../../src/admin/http/server';
import { loadProgramme } from '../../src/config/load-programme';
import { bonusWorkflowId, contactWorkflowId } from '../../src/temporal/workflow-ids';
import { cashbackQuery } from '../../workflows/cashback';
import { inject } from 'vitest';
import { eventually } from '../helpers/temporal';
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

let contactNumber = 0;
/** A contact of its own for each test, so no test sees another's balance. */
function newContact(): number {
  contactNumber += 1;
  return bed.sandbox.portal.contacts.add({ NAME: `Admin test ${contactNumber}`, LAST_NAME: 'Customer' });
}

describe('admin API: bonuses', () => {
  it('grants once for a repeated Idempotency-Key and answers the same both times', async () => {
    const contactId = newContact();
    const body = { contactId, amount: '750.50', reason: 'the courier was two days late', author: 7 };
    const first = await answer(await post('/admin/bonus/apology', body, { 'idempotency-key': 'http-apology-1' }));
    const again = await answer(await post('/admin/bonus/apology', body, { 'idempotency-key': 'http-apology-1' }));

    expect(first).toMatchObject({ status: 200, body: { requestId: 'http-apology-1', contactId, kind: 'apology', amount: '750.50', amountMinor: 750_50, currency: 'RUB', credited: true, balanceAfter: '750.50' } });
    expect(again).toEqual(first);
    const credits = (await ledger(contactId)).history.filter((entry) => entry.kind === 'manual-credit');
    expect(credits.map((entry) => [entry.amount, entry.author])).toEqual([[750_50, 'user:7']]);
  });

  it('takes the request id from the body too, and refuses it reused for another bonus (409)', async () => {
    const contactId = newContact();
    const body = { contactId, reason: 'a five-star review with photos', author: '12', requestId: 'http-review-1' };
    const first = await answer(await post('/admin/bonus/review', body));
    expect(first).toMatchObject({ status: 200, body: { amount: '300.00', credited: true } });
    const conflict = await answer(await post('/admin/bonus/review', { ...body, amount: 999 }));
    expect(conflict.status).toBe(409);
    expect((await ledger(contactId)).history).toHaveLength(1);
  });

  it('answers 401 without or with a wrong bearer token, and starts nothing', async () => {
    const contactId = newContact();
    const body = { contactId, reason: 'the courier was two days late', author: 7 };
    const missing = await post('/admin/bonus/apology', body, { authorization: '', 'idempotency-key': 'unauthorized-1' });
    const wrong = await post('/admin/bonus/apology', body, { authorization: `Bearer ${TOKEN}x`, 'idempotency-key': 'unauthorized-2' });
    const otherScheme = await post('/admin/bonus/apology', body, { authorization: `Basic ${TOKEN}`, 'idempotency-key': 'unauthorized-3' });
    for (const response of [missing, wrong, otherScheme]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
    }
    for (const id of ['unauthorized-1', 'unauthorized-2', 'unauthorized-3']) expect(await workflowExists(bonusWorkflowId(portal, id))).toBe(false);
    expect(await workflowExists(contactWorkflowId(portal, 'cashback', contactId))).toBe(false);
    expect((await fetch(`${admin.url}/admin/contacts/${contactId}`)).status).toBe(401);
  });

  it('answers 400 naming the field for a malformed body, and 422 listing the rules broken; nothing is started', async () => {
    const contactId = newContact();
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
    const contactId = newContact();
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
    const contactId = newContact();
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
    const cashbackStanding = expect.objectContaining({ kind: 'cashback', status: 'earned', reason: expect.stringMatching(/^750\.00 RUB available to pay with/) });
    expect(report.body).toMatchObject({ standing: { discounts: expect.arrayContaining([cashbackStanding]) } });
  });

  it('refuses a redemption by someone who is not the deal\'s payer', async () => {
    const payer = newContact();
    const stranger = newContact();
    const dealId = bed.sandbox.portal.deals.add({ TITLE: 'Not yours', OPPORTUNITY: '5000.00', CURRENCY_ID: 'RUB', IS_MANUAL_OPPORTUNITY: 'Y', CONTACT_ID: payer });
    const refused = await answer(await post('/admin/redeem', { contactId: stranger, dealId, amount: 10 }, { 'idempotency-key': 'not-payer-1' }));
    expect(refused).toMatchObject({ status: 422, body: { problems: [`contactId: contact ${stranger} is not the payer (primary contact) of deal ${dealId}`] } });
  });
});

/** The real `loyalty` command against the testbed's Temporal, task queue and sandbox portal. */
function spawnLoyalty(args: string[], env: Record<string, string> = {}) {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      LOYALTY_PORTAL: portal,
      LOYALTY_TASK_QUEUE: bed.taskQueue,
      LOYALTY_RULES_FILE: RULES,
      BITRIX24_WEBHOOK_URL: bed.sandbox.webhookUrl,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function loyalty(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = spawnLoyalty(args);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

describe('loyalty admin (the API in its own process)', () => {
  it('serves the admin API on LOYALTY_ADMIN_PORT behind LOYALTY_ADMIN_TOKEN, never printing the token, and stops on SIGTERM', async () => {
    const token = 'token-of-the-admin-process-test-0123456789';
    const run = spawnLoyalty(['admin'], { LOYALTY_ADMIN_TOKEN: token, LOYALTY_ADMIN_PORT: '0' });
    try {
      const listening = () => /Admin API: (http:\/\/127\.0\.0\.1:\d+)\/admin/.exec(run.stdout())?.[1];
      await eventually(async () => listening() !== undefined);
      const url = listening()!;
      const contactId = newContact();
      const unauthorized = await fetch(`${url}/admin/contacts/${contactId}`);
      expect(unauthorized.status).toBe(401);
      const report = await fetch(`${url}/admin/contacts/${contactId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(report.status).toBe(200);
      const nothingYet = (await report.json()) as ContactLoyaltyReport;
      expect(nothingYet).toMatchObject({ contactId, cashback: null, purchases: null, birthday: null, referral: null });
      expect(nothingYet.standing.discounts.map((d) => d.status)).toEqual(['not-earned', 'not-earned', 'not-earned', 'per-deal', 'not-earned']);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
    expect(run.stdout() + run.stderr()).not.toContain(token);
  });
});

describe('loyalty bonus and redeem (CLI) on the dev server', () => {
  it('grants once for the same request id, prints the new balance, and prints a generated request id', async () => {
    const contactId = newContact();
    const args = ['bonus', 'review', '--contact', String(contactId), '--reason', 'wrote a detailed review', '--author', '3', '--rules', RULES];
    const first = await loyalty([...args, '--request-id', 'cli-review-1', '--json']);
    const again = await loyalty([...args, '--request-id', 'cli-review-1', '--json']);
    expect(first.code, first.stderr).toBe(0);
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

  it('redeems once per deal when no request id is given; refuses more than the balance with exit 2, debiting nothing', async () => {
    const contactId = newContact();
    await post('/admin/bonus/apology', { contactId, amount: 1000, reason: 'the parcel was left in the rain', author: 1 }, { 'idempotency-key': 'cli-redeem-setup-1' });
    const dealId = bed.sandbox.portal.deals.add({ TITLE: 'CLI redemption', OPPORTUNITY: '10000.00', CURRENCY_ID: 'RUB', IS_MANUAL_OPPORTUNITY: 'Y', CONTACT_ID: contactId });
    const args = ['redeem', '--contact', String(contactId), '--deal', String(dealId)];

    const first = await loyalty([...args, '--amount', '200']);
    const again = await loyalty([...args, '--amount', '200']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`Request id deal-${dealId}: one redemption per deal`);
    expect(first.stdout).toContain(`Redeemed 200.00 RUB of cashback from contact ${contactId} for deal ${dealId}, request id deal-${dealId}.`);
    expect(first.stdout).toContain('Cashback balance: 800.00 RUB');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Cashback balance: 800.00 RUB');

    const otherAmount = await loyalty([...args, '--amount', '150']);
    expect(otherAmount.code).toBe(2);
    expect(otherAmount.stderr).toContain(`request id deal-${dealId} was already used for a different redemption`);
    const overBalance = await loyalty([...args, '--amount', '900', '--request-id', 'cli-redeem-2']);
    expect(overBalance.code).toBe(2);
    expect(overBalance.stderr).toContain('insufficient cashback balance: requested 90000, available 80000 (minor units)');
    expect(overBalance.stdout).toBe('');

    const account = await ledger(contactId);
    expect(account.history.filter((entry) => entry.kind === 'spend').map((entry) => entry.amount)).toEqual([200_00]);
    expect(account.balances.net).toBe(800_00);
  });
});
