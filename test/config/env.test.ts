import { describe, expect, it } from 'vitest';
import { describeEngineEnv, EnvConfigError, loadEngineEnv } from '../../src/config/env';

const WEBHOOK = 'https://example.bitrix24.ru/rest/1/s3cr3tw3bh00k/';
const ADMIN_TOKEN = 'admin-token-that-is-long-enough-1234';
const base = { BITRIX24_PORTAL: 'example.bitrix24.ru', BITRIX24_WEBHOOK_URL: WEBHOOK, LOYALTY_ADMIN_TOKEN: ADMIN_TOKEN, LOYALTY_TIME_ZONE: 'Europe/Moscow' };

function errorsFor(env: Record<string, string | undefined>): string[] {
  try {
    loadEngineEnv(env);
  } catch (error) {
    if (error instanceof EnvConfigError) return [...error.errors];
    throw error;
  }
  throw new Error('expected an EnvConfigError');
}

describe('engine environment', () => {
  it('reads a webhook setup with defaults', () => {
    expect(loadEngineEnv(base)).toEqual({
      temporal: { address: '127.0.0.1:7233', namespace: 'default', tls: null, apiKey: null },
      bitrix24: { portal: 'example.bitrix24.ru', access: { mode: 'webhook', webhookUrl: WEBHOOK }, applicationToken: null },
      bridgePort: 8080,
      adminPort: 8081,
      adminToken: ADMIN_TOKEN,
      timeZone: 'Europe/Moscow',
    });
  });

  it('reads an OAuth setup with mTLS', () => {
    const env = loadEngineEnv({
      ...base,
      BITRIX24_WEBHOOK_URL: '',
      BITRIX24_CLIENT_ID: 'local.abc',
      BITRIX24_CLIENT_SECRET: 'xyz',
      TEMPORAL_TLS_CERT: '/certs/client.pem',
      TEMPORAL_TLS_KEY: '/certs/client.key',
      LOYALTY_BRIDGE_PORT: '9000',
    });
    expect(env.bitrix24.access).toEqual({ mode: 'oauth', clientId: 'local.abc', clientSecret: 'xyz' });
    expect(env.temporal.tls).toEqual({ certPath: '/certs/client.pem', keyPath: '/certs/client.key' });
    expect(env.bridgePort).toBe(9000);
  });

  it('lists every problem by variable name', () => {
    expect(errorsFor({ LOYALTY_TIME_ZONE: 'Mars/Base', LOYALTY_BRIDGE_PORT: '80000', TEMPORAL_TLS_CERT: '/c.pem' })).toEqual([
      'BITRIX24_PORTAL: is required',
      'LOYALTY_BRIDGE_PORT: must be a port number from 1 to 65535',
      'LOYALTY_ADMIN_TOKEN: is required',
      'LOYALTY_TIME_ZONE: must be an IANA time zone such as Europe/Moscow',
    ]);
  });

  it('checks cross-variable rules', () => {
    expect(errorsFor({ ...base, BITRIX24_CLIENT_ID: 'local.abc', TEMPORAL_TLS_KEY: '/k', LOYALTY_ADMIN_PORT: '8080' })).toEqual([
      'TEMPORAL_TLS_CERT: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together',
      'BITRIX24_WEBHOOK_URL: set either the webhook URL or the OAuth app credentials, not both',
      'BITRIX24_CLIENT_SECRET: is required with BITRIX24_CLIENT_ID',
      'LOYALTY_ADMIN_PORT: must differ from LOYALTY_BRIDGE_PORT',
    ]);
    expect(errorsFor({ ...base, BITRIX24_WEBHOOK_URL: undefined })).toEqual(['BITRIX24_WEBHOOK_URL: is required unless BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET are set']);
  });

  it('never puts a secret into an error or a description', () => {
    const secrets = { TEMPORAL_API_KEY: 'tmprl-key-123', BITRIX24_APPLICATION_TOKEN: 'app', LOYALTY_ADMIN_TOKEN: 'short-admin-token', BITRIX24_WEBHOOK_URL: 'ftp://x/rest/1/hunter2/' };
    const errors = errorsFor({ ...base, ...secrets });
    expect(errors).toEqual([
      'BITRIX24_WEBHOOK_URL: must be an http(s) URL such as https://portal/rest/1/secret/',
      'BITRIX24_APPLICATION_TOKEN: must be at least 8 characters',
      'LOYALTY_ADMIN_TOKEN: must be at least 24 characters',
    ]);
    const described = JSON.stringify(describeEngineEnv(loadEngineEnv({ ...base, TEMPORAL_API_KEY: 'tmprl-key-123', BITRIX24_APPLICATION_TOKEN: 'app-token-99' })));
    for (const secret of ['tmprl-key-123', 'app-token-99', ADMIN_TOKEN, 's3cr3tw3bh00k']) expect(described).not.toContain(secret);
    expect(described).toContain('https://example.bitrix24.ru/rest/***');
  });
});
