import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookClient } from '../../src/bitrix24';
import { startBridge } from '../../src/bridge';
import { EnvConfigError, loadEngineEnv } from '../../src/config/env';
import { createJsonLogger } from '../../src/observability/logger';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal';

/** Secret values that must never leave the process through a log line or an error message. */
const SECRETS = {
  webhookSecret: `hook${randomUUID().replaceAll('-', '')}`,
  applicationToken: `apptoken-${randomUUID()}`,
  adminToken: `admin-${randomUUID()}-${randomUUID()}`,
  apiKey: `tcld-${randomUUID()}`,
  clientSecret: `oauth-${randomUUID()}`,
};

function expectNoSecret(text: string): void {
  for (const [name, value] of Object.entries(SECRETS)) expect(text.includes(value), `${name} leaked into: ${text.slice(0, 300)}`).toBe(false);
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

let env: TestWorkflowEnvironment;
let sandbox: SandboxHandle;

beforeAll(async () => {
  env = await connectToDevServer();
  sandbox = await startSandbox({ limits: false, webhooks: [{ userId: 1, secret: 'the-real-secret' }] });
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
          BITRIX24_PORTAL: 'not a domain',
          BITRIX24_WEBHOOK_URL: `ftp://portal/rest/1/${SECRETS.webhookSecret}/`,
          BITRIX24_CLIENT_SECRET: SECRETS.clientSecret,
          BITRIX24_APPLICATION_TOKEN: SECRETS.applicationToken,
          LOYALTY_ADMIN_TOKEN: 'short',
          TEMPORAL_API_KEY: SECRETS.apiKey,
          TEMPORAL_ADDRESS: SECRETS.apiKey,
          LOYALTY_TIME_ZONE: 'Mars/Olympus',
        });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(EnvConfigError);
    expect((error as EnvConfigError).message).toMatch(/BITRIX24_WEBHOOK_URL/);
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
