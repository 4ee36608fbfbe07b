import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApplicationFailure } from '../../activities/bitrix24-failure';
import { startAdminServer } from '../../src/admin/http/server';
import { AuthError, createOAuthClient, createWebhookClient, InMemoryTokenStore, TransientError } from '../../src/bitrix24';
import { startBridge } from '../../src/bridge';
import { EnvConfigError, loadEngineEnv } from '../../src/config/env';
import { loadProgramme } from '../../src/config/load-programme';
import { createJsonLogger } from '../../src/observability/logger';
import { PinoTemporalLogger } from '../../src/observability/temporal-logger';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { closedPort } from '../bridge/closed-port';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal';

const ROOT = path.resolve(__dirname, '../..');

/** Secret values that must never leave the process through a log line, an error message or an HTTP answer. */
const SECRETS = {
  webhookSecret: `hook${randomUUID().replaceAll('-', '')}`,
  portalWebhookSecret: `portalhook${randomUUID().replaceAll('-', '')}`,
  applicationToken: `apptoken-${randomUUID()}`,
  adminToken: `admin-${randomUUID()}-${randomUUID()}`,
  attemptedAdminToken: `guess-${randomUUID()}-${randomUUID()}`,
  apiKey: `tcld-${randomUUID()}`,
  clientSecret: `oauth-${randomUUID()}`,
  wrongClientSecret: `oauth-wrong-${randomUUID()}`,
  shortAdminToken: randomUUID().replaceAll('-', '').slice(0, 20),
};

/** Fails naming the secret found; `more` are secrets made during the test, such as the OAuth tokens the portal issued. */
function expectNoSecret(text: string, more: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries({ ...SECRETS, ...more })) expect(text.includes(value), `${name} leaked into: ${text.slice(0, 300)}`).toBe(false);
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}` : String(error);

const OAUTH_APP = { clientId: 'app.secrets.test', clientSecret: SECRETS.clientSecret, applicationToken: SECRETS.applicationToken };

let env: TestWorkflowEnvironment;
let sandbox: SandboxHandle;

beforeAll(async () => {
  env = await connectToDevServer();
  sandbox = await startSandbox({ limits: false, webhooks: [{ userId: 1, secret: SECRETS.portalWebhookSecret }], oauthApps: [OAUTH_APP] });
});
afterAll(async () => {
  await sandbox?.stop();
  await env?.teardown();
});

describe('secrets stay out of logs and errors', () => {
  it('environment validation names the variables without echoing any secret', () => {
    const error = (() => {
      try {
        loadEngineEnv({
          LOYALTY_PORTAL: 'not a portal/key',
          BITRIX24_WEBHOOK_URL: `ftp://portal/rest/1/${SECRETS.webhookSecret}/`,
          BITRIX24_CLIENT_SECRET: SECRETS.clientSecret,
          LOYALTY_ADMIN_TOKEN: SECRETS.shortAdminToken,
          TEMPORAL_API_KEY: SECRETS.apiKey,
          TEMPORAL_ADDRESS: SECRETS.apiKey,
        });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(EnvConfigError);
    for (const name of ['LOYALTY_PORTAL', 'BITRIX24_WEBHOOK_URL', 'LOYALTY_ADMIN_TOKEN', 'TEMPORAL_ADDRESS']) expect((error as EnvConfigError).message).toContain(`${name}:`);
    expectNoSecret(describeError(error));
  });

  it('a call with a wrong webhook secret fails without the secret in the error', async () => {
    const client = createWebhookClient({ webhookUrl: `${sandbox.baseUrl}/rest/1/${SECRETS.webhookSecret}/`, rateLimiter: false, retry: false });
    const error = await client.call('crm.deal.get', { id: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expectNoSecret(describeError(error));
  });

  it('the bridge logs a rejected token without the token, and the JSON logger blanks secret fields', async () => {
    const logs = capture();
    const logger = createJsonLogger({ service: 'bridge', level: 'trace', destination: logs.stream });
    const portal = { key: `secrets-${randomUUID().slice(0, 8)}`, memberId: `member-${randomUUID()}`, applicationToken: SECRETS.applicationToken };
    const bridge = await startBridge({ portals: [portal], temporal: env.client, taskQueue: uniqueTaskQueue('secrets'), logger });
    try {
      const body = new URLSearchParams({
        event: 'ONCRMDEALUPDATE',
        'data[FIELDS][ID]': '5',
        ts: '1763856000',
        'auth[member_id]': portal.memberId,
        'auth[application_token]': `${SECRETS.applicationToken}-wrong`,
      });
      const response = await fetch(`${bridge.url}/bitrix24/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(response.status).toBe(401);
      expectNoSecret(await response.text());
    } finally {
      await bridge.stop();
    }
    logger.info({ settings: { apiKey: SECRETS.apiKey, webhookUrl: `https://p/rest/1/${SECRETS.webhookSecret}/`, clientSecret: SECRETS.clientSecret }, authorization: `Bearer ${SECRETS.adminToken}` }, 'settings loaded');
    const text = logs.text();
    expect(text).toContain('unauthorized');
    expect(text).toContain('settings loaded');
    expectNoSecret(text);
  });
});

describe('OAuth tokens and the client secret, when the token refresh fails', () => {
  /** An installed application whose access token the portal already considers expired, so the first call refreshes. */
  function installedApp(clientSecret: string, tokenUrl = sandbox.oauthEndpoint) {
    const issued = sandbox.issueOAuthToken(OAUTH_APP.clientId, { expiresInSeconds: 0 });
    const tokens = { memberId: issued.memberId, accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: issued.expiresAt * 1000, clientEndpoint: `${sandbox.baseUrl}/rest/` };
    const client = createOAuthClient({ memberId: issued.memberId, app: { clientId: OAUTH_APP.clientId, clientSecret }, tokenStore: new InMemoryTokenStore([tokens]), tokenUrl, rateLimiter: false, retry: false });
    return { client, issued: { accessToken: issued.accessToken, refreshToken: issued.refreshToken } };
  }

  /**
   * The failure as it leaves a worker: the activity's Temporal failure (what the workflow history keeps) and the
   * SDK's `Activity failed` line through the worker's JSON logger; returns everything written.
   */
  function asTheWorkerReportsIt(error: unknown): string {
    const logs = capture();
    const workerLog = new PinoTemporalLogger(createJsonLogger({ service: 'worker', level: 'trace', destination: logs.stream }));
    const failure = toApplicationFailure(error);
    workerLog.warn('Activity failed', { error: failure, durationMs: 12, activityType: 'readDeal', workflowId: 'loyalty/p/deal/deal-1' });
    workerLog.error('Bitrix24 call failed', { error });
    // The lines carry the failure itself (pino's error serializer), so what is checked below is really there.
    expect(logs.text()).toContain('Activity failed');
    expect(logs.text()).toContain(JSON.stringify(failure.message).slice(1, -1));
    return `${describeError(failure)}\n${logs.text()}`;
  }

  it('a client secret the portal does not accept: the error says so, with neither the secrets nor the tokens', async () => {
    const { client, issued } = installedApp(SECRETS.wrongClientSecret);
    const error = await client.call('crm.deal.get', { id: 1 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toBe('Bitrix24 oauth/token (refresh) failed (HTTP 401): invalid_client: Invalid client credentials');
    expectNoSecret(describeError(error), issued);
    expectNoSecret(asTheWorkerReportsIt(error), issued);
  });

  it('a refresh token another process already used: invalid_grant, with neither the tokens nor the client secret', async () => {
    const { client, issued } = installedApp(SECRETS.clientSecret);
    const rotated = await fetch(sandbox.oauthEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: OAUTH_APP.clientId, client_secret: SECRETS.clientSecret, refresh_token: issued.refreshToken }),
    });
    const rotatedTokens = (await rotated.json()) as { access_token: string; refresh_token: string };
    expect(rotated.status).toBe(200);

    const error = await client.call('crm.deal.get', { id: 1 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toBe('Bitrix24 oauth/token (refresh) failed (HTTP 400): invalid_grant: Invalid or expired refresh token');
    const made = { ...issued, rotatedAccessToken: rotatedTokens.access_token, rotatedRefreshToken: rotatedTokens.refresh_token };
    expectNoSecret(describeError(error), made);
    expectNoSecret(asTheWorkerReportsIt(error), made);
  });

  it('a token endpoint nobody answers: a network failure, with neither the tokens nor the client secret', async () => {
    const { client, issued } = installedApp(SECRETS.clientSecret, `http://127.0.0.1:${await closedPort()}/oauth/token/`);
    const error = await client.call('crm.deal.get', { id: 1 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).message).toMatch(/^Bitrix24 oauth\/token \(refresh\) failed/);
    expectNoSecret(describeError(error), issued);
    expectNoSecret(asTheWorkerReportsIt(error), issued);
  });
});

describe('the admin API on its error paths', () => {
  it('answers 401, 400, 404 and 422 without echoing the admin token or the token a caller tried, and logs neither', async () => {
    const logs = capture();
    const admin = await startAdminServer({
      context: {
        client: env.client,
        programme: loadProgramme(path.join(ROOT, 'loyalty.config.yaml')),
        portal: `secrets-${randomUUID().slice(0, 8)}`,
        taskQueue: uniqueTaskQueue('secrets-admin'),
        bitrix: createWebhookClient({ webhookUrl: sandbox.webhookUrl, rateLimiter: false, retry: false }),
      },
      token: SECRETS.adminToken,
      port: 0,
      logger: createJsonLogger({ service: 'admin', level: 'trace', destination: logs.stream }),
    });
    const send = (route: string, authorization: string | null, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) =>
      fetch(`${admin.url}${route}`, {
        method: init.method ?? 'POST',
        headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }), ...init.headers },
        ...(init.body === undefined ? {} : { body: init.body }),
      });
    const valid = `Bearer ${SECRETS.adminToken}`;
    const bonus = JSON.stringify({ contactId: 1, reason: 'the courier was two days late', author: 7 });
    const cases: [string, Promise<Response>, number][] = [
      ['a wrong bearer token', send('/admin/bonus/apology', `Bearer ${SECRETS.attemptedAdminToken}`, { body: bonus }), 401],
      ['the wrong token in another scheme', send('/admin/redeem', `Basic ${SECRETS.attemptedAdminToken}`, { body: bonus }), 401],
      ['the admin token with one character more', send('/admin/contacts/1', `${valid}x`, { method: 'GET' }), 401],
      ['no token', send('/admin/bonus/review', null, { body: bonus }), 401],
      ['a body that is not JSON', send('/admin/bonus/apology', valid, { body: '{"contactId": 1, "reason": ' }), 400],
      ['fields of the wrong shape', send('/admin/redeem', valid, { body: JSON.stringify({ contactId: 'twelve', dealId: -1, amount: '1.234', extra: true }) }), 400],
      ['a contact id that is not a number', send('/admin/contacts/not-a-number', valid, { method: 'GET' }), 400],
      ['no request id', send('/admin/bonus/apology', valid, { body: bonus }), 400],
      ['an unknown route', send('/admin/tokens', valid, { method: 'GET' }), 404],
      ['a bonus the rules refuse', send('/admin/bonus/apology', valid, { body: JSON.stringify({ contactId: 1, amount: 5000, reason: 'late', author: 99 }), headers: { 'idempotency-key': 'refused-1' } }), 422],
    ];
    try {
      for (const [label, answer, status] of cases) {
        const response = await answer;
        expect(response.status, label).toBe(status);
        expectNoSecret(`${JSON.stringify([...response.headers])}\n${await response.text()}`);
      }
    } finally {
      await admin.stop();
    }
    const lines = logs.text().trim().split('\n');
    expect(lines.filter((line) => line.includes('"admin request"'))).toHaveLength(cases.length);
    expectNoSecret(logs.text());
  });
});

describe('a spawned CLI refused by its configuration', () => {
  /** The real `loyalty` command in its own process, with nothing from this process's environment. */
  async function runLoyalty(args: string[], variables: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...variables },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, output };
  }

  it('loyalty worker names every wrong variable and exits 2, printing no secret', async () => {
    const { code, output } = await runLoyalty(['worker'], {
      LOYALTY_PORTAL: 'not a portal/key',
      BITRIX24_WEBHOOK_URL: `https://example.bitrix24.ru/rest/1/${SECRETS.webhookSecret}/`,
      BITRIX24_CLIENT_SECRET: SECRETS.clientSecret,
      LOYALTY_ADMIN_TOKEN: SECRETS.shortAdminToken,
      TEMPORAL_API_KEY: SECRETS.apiKey,
    });

    expect(code).toBe(2);
    expect(output).toContain('loyalty: invalid environment configuration');
    expect(output).toContain('LOYALTY_PORTAL: must be letters, digits');
    expect(output).toContain('LOYALTY_ADMIN_TOKEN: must be at least 24 characters');
    expect(output).toContain('BITRIX24_WEBHOOK_URL: set either the webhook URL or the OAuth application');
    expect(output).not.toContain('Connecting to Temporal');
    expectNoSecret(output);
  });

  it("loyalty bridge names the portal entry it refuses and exits 2, printing neither the entry's token nor the admin token", async () => {
    const { code, output } = await runLoyalty(['bridge', '--port', '0'], {
      LOYALTY_PORTALS: JSON.stringify([{ key: 'example.bitrix24.ru/shop', memberId: 'member-1', applicationToken: SECRETS.applicationToken }]),
      LOYALTY_ADMIN_TOKEN: SECRETS.adminToken,
      BITRIX24_WEBHOOK_URL: `https://example.bitrix24.ru/rest/1/${SECRETS.webhookSecret}/`,
    });

    expect(code).toBe(2);
    expect(output).toContain('LOYALTY_PORTALS[0].key: must be letters, digits');
    expectNoSecret(output);
  });
});
