import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { call, callApp, fakeClock, post, resultOf } from './helpers';

const APP = { clientId: 'local.loyalty', clientSecret: 'app-secret', applicationToken: 'app-token' };

describe('sandbox limits and OAuth', () => {
  let sandbox: SandboxHandle | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  it('rejects requests past the burst with 503 QUERY_LIMIT_EXCEEDED and lets them through as the bucket drains', async () => {
    const clock = fakeClock();
    sandbox = await startSandbox({ clock: clock.now, limits: { burst: 50, drainPerSecond: 2 } });
    const statuses = await Promise.all(Array.from({ length: 60 }, () => call(sandbox!, 'crm.deal.get', { id: 1 }).then((r) => r)));
    expect(statuses.filter((r) => r.status === 200)).toHaveLength(50);
    const rejected = statuses.filter((r) => r.status === 503);
    expect(rejected).toHaveLength(10);
    expect(rejected[0]!.body).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
    expect(sandbox.stats()).toMatchObject({ httpRequests: 60, rejected503: 10 });
    clock.advance(1000);
    const afterDrain = await Promise.all(Array.from({ length: 3 }, () => call(sandbox!, 'crm.deal.get', { id: 1 })));
    expect(afterDrain.map((r) => r.status).sort()).toEqual([200, 200, 503]);
  });

  it('counts a batch as one request for the bucket', async () => {
    const clock = fakeClock();
    sandbox = await startSandbox({ clock: clock.now, limits: { burst: 2, drainPerSecond: 1 } });
    const cmd = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`c${i}`, 'crm.deal.get?id=1']));
    expect((await call(sandbox, 'batch', { cmd })).status).toBe(200);
    expect((await call(sandbox, 'crm.deal.get', { id: 1 })).status).toBe(200);
    expect((await call(sandbox, 'crm.deal.get', { id: 1 })).status).toBe(503);
  });

  it('blocks a method with 429 OPERATION_TIME_LIMIT once its operating time is spent, per method, until the buckets expire', async () => {
    const clock = fakeClock();
    sandbox = await startSandbox({
      clock: clock.now,
      limits: { burst: 1000, drainPerSecond: 100, operatingLimitSeconds: 10, operatingCostSeconds: { 'crm.deal.list': 4 } },
    });
    const first = await call(sandbox, 'crm.deal.list', { select: ['ID'] });
    const time = first.body.time as { operating: number; operating_reset_at: number };
    expect(time.operating).toBeGreaterThanOrEqual(4);
    expect(time.operating_reset_at).toBe(Math.ceil(clock.now() / 1000) + 600);
    clock.advance(61_000);
    await call(sandbox, 'crm.deal.list', { select: ['ID'] });
    await call(sandbox, 'crm.deal.list', { select: ['ID'] }); // crosses the limit but still finishes
    const blocked = await call(sandbox, 'crm.deal.list', { select: ['ID'] });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ error: 'OPERATION_TIME_LIMIT', time: { operating_reset_at: time.operating_reset_at } });
    expect((await call(sandbox, 'crm.deal.get', { id: 1 })).status).toBe(200);
    clock.advance(599_000 - 61_000); // one second before the oldest bucket (4 s) expires
    expect((await call(sandbox, 'crm.deal.list', { select: ['ID'] })).status).toBe(429);
    clock.advance(1000);
    expect((await call(sandbox, 'crm.deal.list', { select: ['ID'] })).status).toBe(200);
    expect(sandbox.stats().rejected429).toBe(2);
  });

  it('counts batch sub-commands against their own method', async () => {
    const clock = fakeClock();
    sandbox = await startSandbox({ clock: clock.now, limits: { burst: 100, drainPerSecond: 10, operatingLimitSeconds: 5, operatingCostSeconds: { 'crm.deal.get': 3 } } });
    const response = await call(sandbox, 'batch', { cmd: ['crm.deal.get?id=1', 'crm.deal.get?id=2', 'crm.deal.get?id=3', 'crm.contact.get?id=1'] });
    const batch = resultOf<{ result: unknown[]; result_error: Record<string, { error: string }> }>(response);
    expect(batch.result_error['2']!.error).toBe('OPERATION_TIME_LIMIT');
    expect(Object.keys(batch.result_error)).toEqual(['2']);
  });

  it('expires access tokens after an hour and rotates refresh tokens', async () => {
    const clock = fakeClock();
    sandbox = await startSandbox({ clock: clock.now, limits: false, oauthApps: [APP] });
    const token = sandbox.issueOAuthToken(APP.clientId);
    expect((await callApp(sandbox, token.accessToken, 'crm.deal.get', { id: 1 })).status).toBe(200);
    expect((await callApp(sandbox, 'garbage', 'crm.deal.get', { id: 1 })).body).toMatchObject({ error: 'invalid_token' });
    expect((await post(`${sandbox.baseUrl}/rest/crm.deal.get`, { id: 1 })).body).toMatchObject({ error: 'NO_AUTH_FOUND' });
    clock.advance(3600_000);
    const expired = await callApp(sandbox, token.accessToken, 'crm.deal.get', { id: 1 });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: 'expired_token', error_description: 'The access token provided has expired.' });

    const refresh = { grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: token.refreshToken };
    const renewed = await post(sandbox.oauthEndpoint, refresh, true);
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ expires_in: 3600, client_endpoint: `${sandbox.baseUrl}/rest/`, member_id: token.memberId, user_id: 1 });
    expect(renewed.body.refresh_token).not.toBe(token.refreshToken);
    expect((await callApp(sandbox, String(renewed.body.access_token), 'crm.deal.get', { id: 1 })).status).toBe(200);

    const reused = await fetch(`${sandbox.oauthEndpoint}?${new URLSearchParams(refresh)}`);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    const wrongSecret = await post(sandbox.oauthEndpoint, { ...refresh, refresh_token: String(renewed.body.refresh_token), client_secret: 'nope' }, true);
    expect(wrongSecret.body).toMatchObject({ error: 'invalid_client' });
  });

  it('can answer a wrong webhook secret with 403 when configured', async () => {
    sandbox = await startSandbox({ limits: false, invalidCredentialsStatus: 403 });
    expect((await post(`${sandbox.baseUrl}/rest/1/nope/crm.deal.get`, { id: 1 })).status).toBe(403);
  });
});
