import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backfillCommand } from '../../src/cli/backfill';
import { reconcileCommand } from '../../src/cli/reconcile';
import type { EngineEnv } from '../../src/config/env';

const { connectedWith } = vi.hoisted(() => ({ connectedWith: [] as EngineEnv[] }));
// Hoisted above the imports. Where every command gets its Temporal client: record the configuration it connects with.
vi.mock('../../src/cli/temporal-client', () => ({
  withTemporalClient: (env: EngineEnv) => {
    connectedWith.push(env);
    return Promise.resolve();
  },
}));
vi.mock('../../src/intake/backfill', async (importOriginal) => ({ ...(await importOriginal<object>()), listWonDeals: () => Promise.resolve([]) }));

const API_KEY = 'tcld-api-key-for-the-test';
const ROOT = path.resolve(__dirname, '../..');

afterEach(() => {
  connectedWith.length = 0;
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('commands that reach Temporal use the configured connection (TLS, API key, namespace, gRPC metadata)', () => {
  it.each([
    ['reconcile status', () => reconcileCommand().parseAsync(['status', '--namespace', 'loyalty-prod'], { from: 'user' })],
    ['reconcile now', () => reconcileCommand().parseAsync(['now', '--namespace', 'loyalty-prod'], { from: 'user' })],
    [
      'backfill',
      () =>
        backfillCommand().parseAsync(
          ['--since', '2025-01-01', '--namespace', 'loyalty-prod', '--webhook-url', 'https://acme.bitrix24.ru/rest/1/webhooksecret/', '--rules', path.join(ROOT, 'loyalty.config.yaml')],
          { from: 'user' },
        ),
    ],
  ])('%s', async (_name, run) => {
    vi.stubEnv('TEMPORAL_ADDRESS', 'loyalty.tmprl.cloud:7233');
    vi.stubEnv('TEMPORAL_API_KEY', API_KEY);
    vi.stubEnv('TEMPORAL_GRPC_META_X_TENANT', 'acme');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    await run();

    expect(connectedWith).toHaveLength(1);
    expect(connectedWith[0]?.temporal.namespace).toBe('loyalty-prod');
    expect(connectedWith[0]?.temporalConnection).toMatchObject({ address: 'loyalty.tmprl.cloud:7233', apiKey: API_KEY, tls: {}, metadata: { 'x-tenant': 'acme' } });
  });
});
