import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createOAuthClient,
  createWebhookClient,
  deals,
  events,
  InMemoryTokenStore,
  JsonFileTokenStore,
  LeakyBucket,
  LOYALTY_EVENTS,
  lostStages,
  OperationTimeLimitError,
  pipelines,
  RateLimitedError,
  readDealSnapshot,
  setupPortal,
  TransientError,
  wonStage,
} from '../../src/bitrix24';
import { type SandboxHandle, startSandbox } from '../../src/sandbox';
import { defineWebhookContract } from './contract-suite';
import { type ContractTarget, seedDealsOverRest, webhookClientFor } from './helpers/contract-target';
import { CountingTransport } from './helpers/counting-transport';
import { CONTRACT_SEED, seedDealsInPortal } from './helpers/sandbox-seed';

const REAL_WEBHOOK_URL = process.env.BITRIX24_WEBHOOK_URL ?? '';

describe.skipIf(REAL_WEBHOOK_URL === '')('Bitrix24 client contract — real portal', { timeout: 600_000 }, () => {
  const target: ContractTarget = {
    kind: 'real',
    webhookUrl: REAL_WEBHOOK_URL,
    client: (options) => webhookClientFor(REAL_WEBHOOK_URL, true, options),
    seedDeals: (count, tag) => seedDealsOverRest(webhookClientFor(REAL_WEBHOOK_URL, true).client, count, tag),
  };
  defineWebhookContract(() => target);
});

describe('Bitrix24 client contract — sandbox', () => {
  let sandbox: SandboxHandle | undefined;
  const running = (): SandboxHandle => {
    if (sandbox === undefined) throw new Error('sandbox did not start');
    return sandbox;
  };
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false, seed: CONTRACT_SEED });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  defineWebhookContract(() => ({
    kind: 'sandbox',
    webhookUrl: running().webhookUrl,
    client: (options) => webhookClientFor(running().webhookUrl, false, options),
    seedDeals: (count, tag) => Promise.resolve(seedDealsInPortal(running(), count, tag)),
  }));

  it('finds the won stage of a pipeline whose success stage is not called WON', async () => {
    const dealId = running().portal.deals.add({ TITLE: 'club trip', CATEGORY_ID: 1 });
    const { client } = webhookClientFor(running().webhookUrl, false);
    const known = await readDealSnapshot(client, dealId, { categoryId: 1 });
    const discovered = await readDealSnapshot(client, dealId);
    expect(known.stages).toEqual(discovered.stages);
    expect(wonStage(known.stages, 1)?.statusId).toBe('C1:PAID');
    expect(lostStages(known.stages, 1).map((stage) => stage.statusId)).toEqual(['C1:LOSE']);
    await client.run(deals.update(dealId, { stageId: 'C1:PAID' }));
    expect((await client.run(deals.get(dealId))).stageSemantic).toBe('S');
  });

  describe('limits and faults', () => {
    afterEach(() => {
      running().setFaults({});
      running().setLimits(false);
    });

    it('a naive burst gets RateLimitedError; the paced client gets no 503 at all', async () => {
      running().setLimits({ burst: 5, drainPerSecond: 5 });
      const { client: naive } = webhookClientFor(running().webhookUrl, false, { retry: false });
      const settled = await Promise.allSettled(Array.from({ length: 15 }, () => naive.run(pipelines.categories())));
      const errors = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(error).toBeInstanceOf(RateLimitedError);
        expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      running().resetStats();
      const paced = createWebhookClient({ webhookUrl: running().webhookUrl, rateLimiter: new LeakyBucket({ burst: 5, drainPerSecond: 5 }), retry: false });
      await Promise.all(Array.from({ length: 15 }, () => paced.run(pipelines.categories())));
      expect(running().stats().rejected503).toBe(0);
    });

    it('429 OPERATION_TIME_LIMIT → OperationTimeLimitError with the reset delay; the method is then paused client-side only', async () => {
      running().setLimits({ burst: 1000, drainPerSecond: 1000, operatingLimitSeconds: 1, operatingCostSeconds: { 'crm.deal.list': 5 } });
      const { client, transport } = webhookClientFor(running().webhookUrl, false, { retry: false });
      await client.run(deals.list({ start: -1 }));
      const error = await client.run(deals.list({ start: -1 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationTimeLimitError);
      // Reset comes from the 429's operating_reset_at (≈ the 10-minute window), not the client's 60 s fallback.
      expect((error as OperationTimeLimitError).retryAfterMs).toBeGreaterThan(60_000);
      expect(await client.run(pipelines.categories())).toEqual(expect.any(Array));
      const sent = transport.restRequests;
      await expect(client.run(deals.list({ start: -1 }))).rejects.toBeInstanceOf(OperationTimeLimitError);
      expect(transport.restRequests).toBe(sent);
    });

    it('injected 503s are retried a bounded number of times, then surface as RateLimitedError', async () => {
      running().setFaults({ seed: 7, errorRates: { 503: 1 }, methods: ['crm.category.list'] });
      const { client, transport } = webhookClientFor(running().webhookUrl, false, { retry: { maxAttempts: 2, baseDelayMs: 10 } });
      await expect(client.run(pipelines.categories())).rejects.toBeInstanceOf(RateLimitedError);
      expect(transport.restRequests).toBe(2);
    });

    it('5xx → TransientError', async () => {
      running().setFaults({ seed: 7, errorRates: { 500: 1 }, methods: ['crm.deal.get'] });
      const { client } = webhookClientFor(running().webhookUrl, false);
      const error = await client.run(deals.get(1)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as TransientError).httpStatus).toBe(500);
    });

    it('a slow portal → TransientError(timeout)', async () => {
      running().setFaults({ latencyMs: 1_500 });
      const client = createWebhookClient({ webhookUrl: running().webhookUrl, transport: new CountingTransport({ timeoutMs: 200 }), rateLimiter: false });
      const error = await client.run(pipelines.categories()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect(error).toMatchObject({ transientCause: 'timeout' });
    });
  });
});

describe('Bitrix24 client contract — sandbox, OAuth application', () => {
  const app = { clientId: 'app.loyalty.test', clientSecret: 'app-secret-value', applicationToken: 'app-token-value' };
  const handlerUrl = 'http://127.0.0.1:9/bitrix24/events';
  let sandbox: SandboxHandle | undefined;
  const running = (): SandboxHandle => {
    if (sandbox === undefined) throw new Error('sandbox did not start');
    return sandbox;
  };
  let now = Date.now();

  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false, seed: CONTRACT_SEED, oauthApps: [app], clock: () => now });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  function installApp(expiresInSeconds = 3600, memberId?: string) {
    const issued = running().issueOAuthToken(app.clientId, { expiresInSeconds });
    const store = new InMemoryTokenStore([
      {
        memberId: memberId ?? issued.memberId,
        applicationToken: 'application-token-of-the-install',
        accessToken: issued.accessToken,
        refreshToken: issued.refreshToken,
        // The sandbox reports unix seconds like the token payload's `expires`.
        expiresAt: issued.expiresAt * 1000,
        clientEndpoint: `${running().baseUrl}/rest/`,
      },
    ]);
    const transport = new CountingTransport();
    const client = createOAuthClient({ memberId: memberId ?? issued.memberId, app, tokenStore: store, tokenUrl: running().oauthEndpoint, transport, rateLimiter: false });
    return { issued, store, transport, client };
  }

  it('refreshes an expired token exactly once for concurrent calls, replays them, and persists the rotated refresh token', async () => {
    const { issued, store, transport, client } = installApp(60);
    await client.run(pipelines.categories());
    now += 2 * 60 * 60 * 1000;
    const results = await Promise.all([client.run(pipelines.categories()), client.run(deals.list({ start: -1 })), client.run(pipelines.dealStages(0))]);
    expect(results).toHaveLength(3);
    expect(transport.tokenRequests).toBe(1);
    const stored = await store.load(issued.memberId);
    expect(stored?.refreshToken).toBeDefined();
    expect(stored?.refreshToken).not.toBe(issued.refreshToken);
    expect(stored?.accessToken).not.toBe(issued.accessToken);
    // The bridge checks events against it: a refresh must never drop the installation's application token.
    expect(stored?.applicationToken).toBe('application-token-of-the-install');
    await client.run(pipelines.categories());
    expect(transport.tokenRequests).toBe(1);
  });

  it('refuses to store refreshed tokens the OAuth server issued for another portal', async () => {
    const { store, client } = installApp(60, 'member-of-another-portal');
    const before = await store.load('member-of-another-portal');
    now += 2 * 60 * 60 * 1000;
    await expect(client.run(pipelines.categories())).rejects.toMatchObject({ name: 'AuthError', code: 'WRONG_PORTAL' });
    expect(await store.load('member-of-another-portal')).toEqual(before);
  });

  it('two processes sharing a token file refresh once: the other waits for the lock and uses the rotated pair', async () => {
    const issued = running().issueOAuthToken(app.clientId, { expiresInSeconds: 60 });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'loyalty-tokens-'));
    const file = path.join(dir, 'tokens.json');
    try {
      await new JsonFileTokenStore(file).save({
        memberId: issued.memberId,
        accessToken: issued.accessToken,
        refreshToken: issued.refreshToken,
        expiresAt: issued.expiresAt * 1000,
        clientEndpoint: `${running().baseUrl}/rest/`,
      });
      // Worker and bridge: each its own store object, client and token cache, one file between them.
      const processes = [0, 1].map(() => {
        const transport = new CountingTransport();
        const client = createOAuthClient({ memberId: issued.memberId, app, tokenStore: new JsonFileTokenStore(file), tokenUrl: running().oauthEndpoint, transport, rateLimiter: false });
        return { transport, client };
      });
      await Promise.all(processes.map(({ client }) => client.run(pipelines.categories())));
      now += 2 * 60 * 60 * 1000;
      const answers = await Promise.all(processes.map(({ client }) => client.run(pipelines.categories())));
      expect(answers.every((categories) => categories.length > 0)).toBe(true);
      expect(processes.map(({ transport }) => transport.tokenRequests).reduce((a, b) => a + b)).toBe(1);
      const stored = await new JsonFileTokenStore(file).load(issued.memberId);
      expect(stored?.refreshToken).not.toBe(issued.refreshToken);
      expect(existsSync(`${file}.lock`)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('setup binds the CRM events once; a second run binds and creates nothing', async () => {
    const { client } = installApp();
    const first = await setupPortal(client, { handlerUrl });
    expect(first.events.map((event) => event.event)).toEqual([...LOYALTY_EVENTS]);
    const second = await setupPortal(client, { handlerUrl });
    expect(second.events.every((event) => event.action === 'already bound')).toBe(true);
    expect(second.fields.every((field) => field.action === 'already present')).toBe(true);
    const bound = (await client.run(events.get())).filter((binding) => binding.handler === handlerUrl);
    expect(bound.map((binding) => binding.event).sort()).toEqual([...LOYALTY_EVENTS].sort());
    expect(await client.run(events.unbind({ event: 'ONCRMDEALADD', handler: handlerUrl }))).toBe(1);
    expect((await client.run(events.get())).some((binding) => binding.event === 'ONCRMDEALADD' && binding.handler === handlerUrl)).toBe(false);
  });

  it('reads and clears offline events', async () => {
    const { client } = installApp();
    await client.run(events.bind({ event: 'ONCRMDEALUPDATE', eventType: 'offline' }));
    const dealId = Number(await client.call('crm.deal.add', { fields: { TITLE: 'offline event deal' } }));
    await client.run(deals.update(dealId, { title: 'offline event deal, renamed' }));
    const batch = await client.run(events.offlineGet({ limit: 50 }));
    expect(batch.processId).not.toBeNull();
    const updates = batch.events.filter((event) => event.eventName === 'ONCRMDEALUPDATE');
    expect(updates.length).toBeGreaterThan(0);
    expect(await client.run(events.offlineClear(batch.processId ?? ''))).toBe(true);
    expect((await client.run(events.offlineGet())).events).toEqual([]);
  });
});
