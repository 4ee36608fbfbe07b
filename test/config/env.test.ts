import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEngineEnv, EnvConfigError, loadEngineEnv, type EnvRequirements } from '../../src/config/env';

const WEBHOOK = 'https://example.bitrix24.ru/rest/1/s3cr3tw3bh00k/';
const ADMIN_TOKEN = 'admin-token-that-is-long-enough-1234';
const OAUTH = { BITRIX24_CLIENT_ID: 'local.abc', BITRIX24_CLIENT_SECRET: 'xyz', BITRIX24_MEMBER_ID: 'member-1', BITRIX24_TOKEN_FILE: '/var/lib/loyalty/tokens.json' };

function errorsFor(env: Record<string, string | undefined>, requirements: EnvRequirements = {}): string[] {
  try {
    loadEngineEnv(env, requirements);
  } catch (error) {
    if (error instanceof EnvConfigError) return [...error.errors];
    throw error;
  }
  throw new Error('expected an EnvConfigError');
}

describe('engine environment', () => {
  it('needs nothing when a command requires nothing: every value has a default', () => {
    expect(loadEngineEnv({})).toEqual({
      temporal: expect.objectContaining({ address: '127.0.0.1:7233', namespace: 'default', tls: null, apiKey: null }),
      temporalAddressGiven: false,
      temporalConnection: { address: '127.0.0.1:7233' },
      portal: 'sandbox',
      taskQueue: 'loyalty',
      rulesFile: 'loyalty.config.yaml',
      bitrix24: { access: null },
      bridgePort: 8080,
      admin: { port: 8081, token: null },
      workflowBundle: null,
      local: { devServerPort: 7233, devUiPort: 8233, dataDir: join('.tools', 'data') },
    });
  });

  it('lets command-line flags win over the variables they stand for, checked the same way', () => {
    const env = loadEngineEnv({ TEMPORAL_ADDRESS: 'from-env:7233', LOYALTY_PORTAL: 'env-portal' }, { portalAccess: true }, { temporalAddress: 'from-flag:7233', webhookUrl: WEBHOOK, portal: undefined });
    expect(env.temporal.address).toBe('from-flag:7233');
    expect(env.temporalAddressGiven).toBe(true);
    expect(env.portal).toBe('env-portal');
    expect(env.bitrix24.access).toEqual({ mode: 'webhook', webhookUrl: WEBHOOK });
    expect(() => loadEngineEnv({}, {}, { temporalAddress: 'no-port' })).toThrow('TEMPORAL_ADDRESS: must be host:port');
  });

  it('reads a webhook setup with the admin token', () => {
    const env = loadEngineEnv({ BITRIX24_WEBHOOK_URL: WEBHOOK, LOYALTY_ADMIN_TOKEN: ADMIN_TOKEN, LOYALTY_PORTAL: 'example.bitrix24.ru', LOYALTY_ADMIN_PORT: '9001' }, { portalAccess: true, adminToken: true });
    expect(env.bitrix24.access).toEqual({ mode: 'webhook', webhookUrl: WEBHOOK });
    expect(env.admin).toEqual({ port: 9001, token: ADMIN_TOKEN });
    expect(env.portal).toBe('example.bitrix24.ru');
  });

  it('reads an OAuth application and the Temporal API key through the Temporal variables', () => {
    const env = loadEngineEnv({ ...OAUTH, TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'key-1', LOYALTY_BRIDGE_PORT: '9000' }, { portalAccess: true });
    expect(env.bitrix24.access).toEqual({ mode: 'oauth', clientId: 'local.abc', clientSecret: 'xyz', memberId: 'member-1', tokenFile: '/var/lib/loyalty/tokens.json' });
    expect(env.temporal).toMatchObject({ address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', apiKey: 'key-1' });
    expect(env.temporalConnection).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'key-1' });
    expect(env.bridgePort).toBe(9000);
  });

  it('lists every problem by variable name, Temporal ones included', () => {
    expect(errorsFor({ LOYALTY_BRIDGE_PORT: '80000', TEMPORAL_ADDRESS: 'no-port', TEMPORAL_TLS_CERT: '/c.pem', LOYALTY_PORTAL: 'a/b' }, { portalAccess: true, adminToken: true })).toEqual([
      'TEMPORAL_ADDRESS: must be host:port',
      'TEMPORAL_TLS_CLIENT_KEY_PATH: the client certificate and key go together',
      'LOYALTY_PORTAL: must be letters, digits, ".", "_" or "-", such as example.bitrix24.ru',
      'LOYALTY_BRIDGE_PORT: must be a port number from 0 to 65535 (0: any free port)',
      'BITRIX24_WEBHOOK_URL: is required unless the OAuth application is configured (BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET, BITRIX24_MEMBER_ID, BITRIX24_TOKEN_FILE)',
      'LOYALTY_ADMIN_TOKEN: is required',
    ]);
  });

  it('says which required variables a command is missing', () => {
    expect(errorsFor({}, { portalAccess: true, adminToken: true })).toEqual([
      'BITRIX24_WEBHOOK_URL: is required unless the OAuth application is configured (BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET, BITRIX24_MEMBER_ID, BITRIX24_TOKEN_FILE)',
      'LOYALTY_ADMIN_TOKEN: is required',
    ]);
  });

  it('checks cross-variable rules', () => {
    expect(errorsFor({ BITRIX24_WEBHOOK_URL: WEBHOOK, BITRIX24_CLIENT_ID: 'local.abc', LOYALTY_ADMIN_PORT: '8080' })).toEqual([
      'LOYALTY_ADMIN_PORT: must differ from LOYALTY_BRIDGE_PORT',
      'BITRIX24_WEBHOOK_URL: set either the webhook URL or the OAuth application (BITRIX24_CLIENT_ID …), not both',
    ]);
    expect(errorsFor({ BITRIX24_CLIENT_ID: 'local.abc', BITRIX24_CLIENT_SECRET: 'xyz' })).toEqual([
      'BITRIX24_MEMBER_ID: is required with BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET',
      'BITRIX24_TOKEN_FILE: is required with BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET',
    ]);
  });

  it('reports an unreadable TLS certificate at start, by purpose and path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-env-'));
    writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\n');
    expect(errorsFor({ TEMPORAL_TLS_CERT: join(dir, 'absent.pem'), TEMPORAL_TLS_KEY: join(dir, 'key.pem') })).toEqual([
      `Temporal TLS client certificate ${join(dir, 'absent.pem')}: cannot be read (ENOENT)`,
    ]);
  });

  it('never puts a secret into an error or a description', () => {
    const secrets = { TEMPORAL_API_KEY: 'tmprl-key-123', LOYALTY_ADMIN_TOKEN: 'short-admin-token', BITRIX24_WEBHOOK_URL: 'ftp://x/rest/1/hunter2/' };
    const errors = errorsFor(secrets);
    expect(errors).toEqual([
      'BITRIX24_WEBHOOK_URL: must be an http(s) URL such as https://portal/rest/1/secret/',
      'LOYALTY_ADMIN_TOKEN: must be at least 24 characters',
    ]);
    for (const value of Object.values(secrets)) expect(errors.join('\n')).not.toContain(value);
    const valid = { BITRIX24_WEBHOOK_URL: WEBHOOK, LOYALTY_ADMIN_TOKEN: ADMIN_TOKEN, TEMPORAL_API_KEY: 'tmprl-key-123' };
    const described = JSON.stringify(describeEngineEnv(loadEngineEnv(valid)));
    for (const secret of ['tmprl-key-123', ADMIN_TOKEN, 's3cr3tw3bh00k']) expect(described).not.toContain(secret);
    expect(described).toContain('https://example.bitrix24.ru/rest/***');
  });
});
