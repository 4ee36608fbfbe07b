import { describe, expect, it } from 'vitest';
import {
  AuthError,
  createOAuthClient,
  createWebhookClient,
  InMemoryTokenStore,
  LeakyBucket,
  OperatingLimiter,
  OAuthTenantClients,
  OperationTimeLimitError,
  RateLimitedError,
  TransientError,
  ValidationError,
  type OAuthTokens,
} from '../../src/bitrix24';
import { TransportFailure } from '../../src/bitrix24/transport';
import { FakeClock } from './helpers/fake-clock';
import { fail, ok, ScriptedTransport } from './helpers/scripted-transport';

const WEBHOOK = 'https://acme.bitrix24.com/rest/1/s3cr3tw3bh00k/';

function initialTokens(): OAuthTokens {
  return {
    memberId: 'member-1',
    accessToken: 'access-old',
    refreshToken: 'refresh-old',
    expiresAt: 0,
    clientEndpoint: 'https://acme.bitrix24.com/rest/',
    serverEndpoint: 'https://oauth.bitrix.info/rest/',
  };
}

describe('webhook calls', () => {
  it('POSTs JSON to {webhook}/{method} and returns the result', async () => {
    const transport = new ScriptedTransport(() => ok({ ID: '5' }));
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport, rateLimiter: false });
    expect(await client.call('crm.deal.get', { id: 5 })).toEqual({ ID: '5' });
    expect(transport.requests).toEqual([{ url: `${WEBHOOK}crm.deal.get`, body: { id: 5 }, kind: 'json' }]);
  });

  it('never puts the webhook secret into error messages', async () => {
    const transport = new ScriptedTransport(() => ({ status: 502, body: undefined }));
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport, rateLimiter: false });
    const error = await client.call('crm.deal.get', { id: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(String((error as Error).message)).not.toContain('s3cr3tw3bh00k');
    expect((error as Error).message).toContain('/rest/1/***');
    expect(JSON.stringify(error)).not.toContain('s3cr3tw3bh00k');
  });

  it('rejects a malformed webhook URL without echoing it', () => {
    expect(() => createWebhookClient({ webhookUrl: 'https://acme.bitrix24.com/rest/abc/s3cr3t/' })).toThrow(/\{numeric userId\}/);
    expect(() => createWebhookClient({ webhookUrl: 'https://acme.bitrix24.com/rest/abc/s3cr3t/' })).not.toThrow(/s3cr3t/);
  });

  it('re-issues a POST redirected to a renamed portal once, and remembers the new host', async () => {
    const moved: string[] = [];
    const transport = new ScriptedTransport(({ url }) =>
      url.startsWith('https://acme.bitrix24.com')
        ? { status: 302, body: undefined, location: 'https://new-acme.bitrix24.com/rest/1/s3cr3tw3bh00k/crm.deal.get' }
        : ok(true),
    );
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport, rateLimiter: false, onPortalMoved: (origin) => moved.push(origin) });
    await client.call('crm.deal.get', { id: 1 });
    await client.call('crm.deal.get', { id: 2 });
    expect(transport.requests.map((r) => [new URL(r.url).host, r.body])).toEqual([
      ['acme.bitrix24.com', { id: 1 }],
      ['new-acme.bitrix24.com', { id: 1 }],
      ['new-acme.bitrix24.com', { id: 2 }],
    ]);
    expect(moved).toEqual(['https://new-acme.bitrix24.com']);
  });

  it('keeps the old host when the redirect target fails, and refuses a redirect from https to http', async () => {
    const moved: string[] = [];
    const failingTarget = new ScriptedTransport(({ url }) =>
      url.startsWith('https://acme.bitrix24.com')
        ? { status: 302, body: undefined, location: 'https://acme-new.bitrix24.ru/rest/1/s3cr3tw3bh00k/crm.deal.get' }
        : { status: 404, body: { error: 'NOT_FOUND', error_description: 'Not found' } },
    );
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport: failingTarget, rateLimiter: false, onPortalMoved: (origin) => moved.push(origin) });
    await expect(client.call('crm.deal.get', { id: 1 })).rejects.toThrow();
    await expect(client.call('crm.deal.get', { id: 2 })).rejects.toThrow();
    expect(failingTarget.requests.map((r) => new URL(r.url).host)).toEqual(['acme.bitrix24.com', 'acme-new.bitrix24.ru', 'acme.bitrix24.com', 'acme-new.bitrix24.ru']);
    expect(moved).toEqual([]);

    const downgrade = new ScriptedTransport(() => ({ status: 301, body: undefined, location: 'http://acme.bitrix24.com/rest/1/s3cr3tw3bh00k/crm.deal.get' }));
    const plain = createWebhookClient({ webhookUrl: WEBHOOK, transport: downgrade, rateLimiter: false });
    await expect(plain.call('crm.deal.get', { id: 1 })).rejects.toThrow(/https call to plain http/);
    expect(downgrade.requests).toHaveLength(1);
  });

  it('follows a redirect only to the same host or from one Bitrix24 cloud portal to another', async () => {
    const followed = (from: string, location: string) => {
      let calls = 0;
      const transport = new ScriptedTransport(() => (++calls === 1 ? { status: 302, body: undefined, location } : ok(true)));
      const client = createWebhookClient({ webhookUrl: `${from}/rest/1/s3cr3tw3bh00k/`, transport, rateLimiter: false });
      return client.call('crm.deal.get').then(
        () => transport.requests.map((r) => new URL(r.url).origin),
        (error: unknown) => error as Error,
      );
    };
    expect(await followed('https://acme.bitrix24.ru', 'https://acme.bitrix24.ru/rest/1/s3cr3tw3bh00k/crm.deal.get?moved')).toEqual(['https://acme.bitrix24.ru', 'https://acme.bitrix24.ru']);
    expect(await followed('https://acme.bitrix24.ru', 'https://acme.bitrix24.com.br/rest/x')).toEqual(['https://acme.bitrix24.ru', 'https://acme.bitrix24.com.br']);
    expect(await followed('http://127.0.0.1:8001', 'http://localhost:8002/rest/x')).toEqual(['http://127.0.0.1:8001', 'http://localhost:8002']);

    for (const [from, to, refused] of [
      ['https://acme.bitrix24.com', 'https://collector.example/rest/1/s3cr3tw3bh00k/crm.deal.get', 'collector.example'],
      ['https://acme.bitrix24.com', 'https://bitrix24.com.evil.example/rest/x', 'bitrix24.com.evil.example'],
      ['https://acme.bitrix24.com', 'https://acme.bitrix24.evil.example/rest/x', 'acme.bitrix24.evil.example'],
      ['https://crm.acme-travel.ru', 'https://acme.bitrix24.ru/rest/x', 'acme.bitrix24.ru'],
      ['http://127.0.0.1:8001', 'http://10.0.0.7:8001/rest/x', '10.0.0.7:8001'],
    ]) {
      const error = await followed(from!, to!);
      expect(error, `${from} → ${to}`).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain(`redirected the call to ${refused}`);
      expect((error as Error).message).not.toContain('s3cr3tw3bh00k');
    }
  });

  it('maps timeouts to a transient error that may have been applied', async () => {
    const transport = new ScriptedTransport(() => Promise.reject(new TransportFailure('timeout', 'ECONNABORTED')));
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport, rateLimiter: false });
    const error = await client.call('crm.timeline.comment.add').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ transientCause: 'timeout', mayHaveBeenApplied: true, retryable: true });
  });
});

describe('in-client retries', () => {
  it('retries a 503 after the bucket drains and succeeds', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const transport = new ScriptedTransport(() => (++calls === 1 ? fail(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests') : ok(1)));
    const bucket = new LeakyBucket({ burst: 50, drainPerSecond: 2 }, clock);
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport, clock, rateLimiter: bucket });
    expect(await client.call('crm.deal.get')).toBe(1);
    expect(calls).toBe(2);
    // Back-off (500 ms) plus the bucket, now aligned with the full portal bucket, pacing the retry.
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(500);
  });

  it('surfaces the 503 at once with retryAfterMs when retries are disabled', async () => {
    const transport = new ScriptedTransport(() => fail(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests'));
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport, retry: false, clock: new FakeClock() });
    const error = await client.call('crm.deal.get').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    // The portal bucket is full: one unit drains in 500 ms, plus the client's one-unit headroom.
    expect((error as RateLimitedError).retryAfterMs).toBe(1000);
    expect(transport.requests).toHaveLength(1);
  });

  it('gives up after maxAttempts', async () => {
    const transport = new ScriptedTransport(() => fail(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests'));
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport, retry: { maxAttempts: 3 }, clock: new FakeClock() });
    await expect(client.call('crm.deal.get')).rejects.toBeInstanceOf(RateLimitedError);
    expect(transport.requests).toHaveLength(3);
  });

  it('pauses only the limited method until operating_reset_at after a 429', async () => {
    const clock = new FakeClock();
    const resetAt = Math.floor(clock.now() / 1000) + 20;
    let listCalls = 0;
    const transport = new ScriptedTransport(({ url }) => {
      if (!url.endsWith('crm.deal.list')) return ok('other');
      listCalls += 1;
      return listCalls === 1 ? fail(429, 'OPERATION_TIME_LIMIT', 'Method is blocked', { time: { operating_reset_at: resetAt } }) : ok([]);
    });
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport, clock, rateLimiter: false });
    expect(await client.call('crm.deal.list')).toEqual([]);
    expect(clock.now()).toBeGreaterThanOrEqual(resetAt * 1000);
    expect(await client.call('crm.deal.get')).toBe('other');
  });

  it('fails fast with retryAfterMs when the operating pause is longer than the client waits', async () => {
    const clock = new FakeClock();
    const operating = new OperatingLimiter({}, clock);
    operating.reportLimited('crm.deal.list', clock.now() + 300_000);
    const transport = new ScriptedTransport(() => ok([]));
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport, clock, operatingLimiter: operating, rateLimiter: false });
    const error = await client.call('crm.deal.list').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationTimeLimitError);
    expect((error as OperationTimeLimitError).retryAfterMs).toBe(300_000);
    expect(transport.requests).toHaveLength(0);
  });
});

describe('OAuth', () => {
  function oauthFixture(refreshDelayMs = 0) {
    const store = new InMemoryTokenStore([initialTokens()]);
    let refreshes = 0;
    const transport = new ScriptedTransport(({ url, body }) => {
      const auth = (body as { auth?: string }).auth;
      return auth === 'access-new' ? ok({ url }) : fail(401, 'expired_token', 'The access token provided has expired.');
    });
    // The token endpoint answers with a plain OAuth payload, not a REST envelope.
    const tokenTransport = new ScriptedTransport(async (request) => {
      refreshes += 1;
      await new Promise((resolve) => setTimeout(resolve, refreshDelayMs));
      expect(request.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-old', client_id: 'app.1' });
      return {
        status: 200,
        body: { access_token: 'access-new', refresh_token: 'refresh-new', expires_in: 3600, member_id: 'member-1', server_endpoint: 'https://oauth.bitrix.info/rest/' },
      };
    });
    const combined = {
      requests: transport.requests,
      postJson: transport.postJson.bind(transport),
      postForm: tokenTransport.postForm.bind(tokenTransport),
      tokenRequests: tokenTransport.requests,
    };
    const client = createOAuthClient({ memberId: 'member-1', app: { clientId: 'app.1', clientSecret: 'app-secret' }, tokenStore: store, transport: combined, rateLimiter: false });
    return { client, store, combined, refreshCount: () => refreshes };
  }

  it('sends the token as auth in the body, refreshes once on expired_token, replays, and persists the rotated refresh token', async () => {
    const { client, store, combined, refreshCount } = oauthFixture();
    expect(await client.call('crm.deal.get', { id: 3 })).toEqual({ url: 'https://acme.bitrix24.com/rest/crm.deal.get' });
    expect(refreshCount()).toBe(1);
    expect(combined.tokenRequests[0]?.url).toBe('https://oauth.bitrix.info/oauth/token/');
    expect(combined.requests.map((r) => r.body)).toEqual([
      { id: 3, auth: 'access-old' },
      { id: 3, auth: 'access-new' },
    ]);
    expect(await store.load('member-1')).toMatchObject({ accessToken: 'access-new', refreshToken: 'refresh-new' });
  });

  it('shares one refresh among concurrent calls', async () => {
    const { client, refreshCount } = oauthFixture(20);
    await Promise.all(Array.from({ length: 5 }, (_, i) => client.call('crm.deal.get', { id: i })));
    expect(refreshCount()).toBe(1);
  });

  it('does not refresh a second time when the replay is rejected too', async () => {
    const store = new InMemoryTokenStore([initialTokens()]);
    let refreshes = 0;
    const transport = {
      postJson: () => Promise.resolve(fail(401, 'invalid_token', 'The access token provided is invalid.')),
      postForm: () => {
        refreshes += 1;
        return Promise.resolve({ status: 200, body: { access_token: `a${refreshes}`, refresh_token: `r${refreshes}`, expires_in: 3600 } });
      },
    };
    const client = createOAuthClient({ memberId: 'member-1', app: { clientId: 'c', clientSecret: 'app-secret' }, tokenStore: store, transport, rateLimiter: false });
    await expect(client.call('crm.deal.get')).rejects.toBeInstanceOf(AuthError);
    expect(refreshes).toBe(1);
  });

  it('reports a dead refresh token as an auth error without leaking it', async () => {
    const store = new InMemoryTokenStore([initialTokens()]);
    const transport = {
      postJson: () => Promise.resolve(fail(401, 'expired_token', 'expired')),
      postForm: () => Promise.resolve(fail(400, 'invalid_grant', 'Invalid refresh token refresh-old')),
    };
    const client = createOAuthClient({ memberId: 'member-1', app: { clientId: 'c', clientSecret: 'app-secret' }, tokenStore: store, transport, rateLimiter: false });
    const error = await client.call('crm.deal.get').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('invalid_grant');
    expect((error as Error).message).not.toContain('refresh-old');
  });

  it('never refreshes proactively, even with a past expiresAt', async () => {
    const store = new InMemoryTokenStore([initialTokens()]);
    let refreshes = 0;
    const transport = {
      postJson: () => Promise.resolve(ok(true)),
      postForm: () => {
        refreshes += 1;
        return Promise.resolve(ok(true));
      },
    };
    const client = createOAuthClient({ memberId: 'member-1', app: { clientId: 'c', clientSecret: 's' }, tokenStore: store, transport, rateLimiter: false });
    await client.call('crm.deal.get');
    await client.call('crm.deal.get');
    expect(refreshes).toBe(0);
  });
});

describe('OAuth tokens shared with another process (worker and bridge share the token file)', () => {
  const app = { clientId: 'c', clientSecret: 'app-secret' };
  const rotatedElsewhere = { ...initialTokens(), accessToken: 'access-other', refreshToken: 'refresh-other', applicationToken: 'app-token-now' };

  function renamedPortal() {
    let tokenRequests = 0;
    const transport = {
      postJson: (url: string) =>
        Promise.resolve(url.startsWith('https://acme.bitrix24.com') ? { status: 302, body: undefined, location: 'https://acme-new.bitrix24.com/rest/crm.deal.get' } : ok(true)),
      postForm: () => {
        tokenRequests += 1;
        return Promise.resolve({ status: 200, body: { access_token: 'access-new', refresh_token: 'refresh-new', member_id: 'member-1' } });
      },
    };
    return { transport, tokenRequests: () => tokenRequests };
  }

  it('records a portal rename on the stored tokens, never over a pair the other process rotated meanwhile', async () => {
    const store = new InMemoryTokenStore([initialTokens()]);
    const { transport } = renamedPortal();
    const client = createOAuthClient({ memberId: 'member-1', app, tokenStore: store, transport, rateLimiter: false });
    await client.auth.prepare('crm.deal.get');
    await store.save(rotatedElsewhere);

    await client.call('crm.deal.get');

    expect(await store.load('member-1')).toEqual({ ...rotatedElsewhere, clientEndpoint: 'https://acme-new.bitrix24.com/rest/' });
  });

  it('neither refreshes nor revives the tokens of an application uninstalled meanwhile', async () => {
    const store = new InMemoryTokenStore([initialTokens()]);
    const { transport, tokenRequests } = renamedPortal();
    const expired = { ...transport, postJson: () => Promise.resolve(fail(401, 'expired_token', 'The access token provided has expired.')) };
    const client = createOAuthClient({ memberId: 'member-1', app, tokenStore: store, transport: expired, rateLimiter: false });
    await client.auth.prepare('crm.deal.get');
    await store.remove('member-1');

    const error = await client.call('crm.deal.get').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('the application is not installed on this portal');
    expect(tokenRequests()).toBe(0);
    expect(await store.load('member-1')).toBeUndefined();

    const renamed = createOAuthClient({ memberId: 'member-1', app, tokenStore: store, transport, rateLimiter: false });
    await store.save(initialTokens());
    await renamed.auth.prepare('crm.deal.get');
    await store.remove('member-1');
    await renamed.call('crm.deal.get');
    expect(await store.load('member-1')).toBeUndefined();
  });
});

describe('OAuthTenantClients', () => {
  it('keeps one client per member_id', () => {
    const tenants = new OAuthTenantClients({ app: { clientId: 'c', clientSecret: 's' }, tokenStore: new InMemoryTokenStore() });
    expect(tenants.clientFor('m1')).toBe(tenants.clientFor('m1'));
    expect(tenants.clientFor('m1')).not.toBe(tenants.clientFor('m2'));
  });
});
