import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryTokenStore, type OAuthTokens } from '../../src/bitrix24';
import { type InstallationOptions } from '../../src/bitrix24/app-installation';
import { type HttpResponse } from '../../src/bitrix24/transport';
import { createBridgeServer, type BridgeServer } from '../../src/bridge';
import { lazyTemporalClient } from '../../src/bridge/temporal-client';
import { ScriptedTransport } from '../bitrix24/helpers/scripted-transport';
import { closedPort } from './closed-port';
import { ACCESS_TOKEN, APPLICATION_TOKEN, MEMBER_ID, REFRESH_TOKEN, appEventBody, appInstallBody } from './wire-bodies';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const APP = { clientId: 'local.app', clientSecret: 'client-secret-of-the-app' };
const FRESH = { access_token: 'fresh-access-token', refresh_token: 'fresh-refresh-token', client_endpoint: 'https://b24-example.bitrix24.ru/rest/' };
const INSTALLED: OAuthTokens = { memberId: MEMBER_ID, accessToken: 'a', refreshToken: 'r', expiresAt: 0, clientEndpoint: FRESH.client_endpoint, applicationToken: APPLICATION_TOKEN };

/** The OAuth server: confirms the genuine refresh token (naming the portal unless told not to), refuses any other. */
function oauthServer(options: { namesPortal?: boolean; delayMs?: number } = {}) {
  let running = 0;
  let mostAtOnce = 0;
  const transport = new ScriptedTransport(async ({ body }): Promise<HttpResponse> => {
    running += 1;
    mostAtOnce = Math.max(mostAtOnce, running);
    await sleep(options.delayMs ?? 0);
    running -= 1;
    if ((body as Record<string, string>).refresh_token !== REFRESH_TOKEN) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid refresh token' } };
    return { status: 200, body: options.namesPortal === false ? FRESH : { ...FRESH, member_id: MEMBER_ID } };
  });
  return { transport, mostAtOnce: () => mostAtOnce };
}

/** A token store whose every operation can be made to fail, and that says whether its lock is held. */
class ObservedStore extends InMemoryTokenStore {
  locked = false;
  failure: Error | undefined;

  override async load(memberId: string): Promise<OAuthTokens | undefined> {
    if (this.failure !== undefined) throw this.failure;
    return super.load(memberId);
  }

  override async save(tokens: OAuthTokens): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    return super.save(tokens);
  }

  override async remove(memberId: string): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    return super.remove(memberId);
  }

  override async exclusively<T>(work: () => Promise<T>): Promise<T> {
    this.locked = true;
    try {
      return await work();
    } finally {
      this.locked = false;
    }
  }
}

const diskFailure = () => Object.assign(new Error("EACCES: permission denied, open '/data/tokens.json'"), { code: 'EACCES' });

describe('bridge with an OAuth application: installs and the installations token store', () => {
  let temporal: ReturnType<typeof lazyTemporalClient>;
  const open: BridgeServer[] = [];
  beforeAll(async () => {
    // Nothing here reaches Temporal: every request is answered before a signal would be sent.
    temporal = lazyTemporalClient({ address: `127.0.0.1:${await closedPort()}`, namespace: 'default' });
  });
  afterAll(async () => {
    for (const bridge of open) await bridge.app.close();
    await temporal.close();
  });

  function bridgeWith(installations: InstallationOptions) {
    const logLines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) });
    const bridge = createBridgeServer({ portals: [{ key: 'acme', memberId: MEMBER_ID }], installations, temporal: temporal.client, logger: pino({ level: 'info' }, sink) });
    open.push(bridge);
    const post = (payload: string) => bridge.app.inject({ method: 'POST', url: '/bitrix24/events', headers: FORM, payload });
    const rejected = async (reason: string) => {
      const line = (await bridge.metrics.text()).split('\n').find((l) => l.startsWith(`loyalty_bridge_events_rejected_total{reason="${reason}"}`));
      return Number(line?.split(' ')[1]);
    };
    return { post, rejected, log: () => logLines.join('') };
  }

  it('asks the OAuth server outside the token store lock, and holds the lock only to save', async () => {
    const tokenStore = new ObservedStore();
    const lockedDuringExchange: boolean[] = [];
    const oauth = oauthServer();
    const transport = { postJson: oauth.transport.postJson.bind(oauth.transport), postForm: (url: string, form: Record<string, string>) => (lockedDuringExchange.push(tokenStore.locked), oauth.transport.postForm(url, form)) };
    const { post } = bridgeWith({ app: APP, tokenStore, transport });

    const response = await post(appInstallBody());

    expect(response.statusCode).toBe(200);
    expect(lockedDuringExchange).toEqual([false]);
    expect(await tokenStore.load(MEMBER_ID)).toMatchObject({ accessToken: FRESH.access_token, refreshToken: FRESH.refresh_token, applicationToken: APPLICATION_TOKEN });
  });

  it('refuses an install the OAuth server confirms without naming the portal', async () => {
    const tokenStore = new InMemoryTokenStore();
    const { post } = bridgeWith({ app: APP, tokenStore, transport: oauthServer({ namesPortal: false }).transport });

    const response = await post(appInstallBody());

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('did not confirm its tokens') });
    expect(await tokenStore.load(MEMBER_ID)).toBeUndefined();
  });

  it('asks the OAuth server one install at a time per portal; identical requests share one exchange', async () => {
    const tokenStore = new InMemoryTokenStore();
    const oauth = oauthServer({ delayMs: 20 });
    const { post } = bridgeWith({ app: APP, tokenStore, transport: oauth.transport });
    const forged = (n: number) => appInstallBody().replace(REFRESH_TOKEN, `forged-refresh-${n}`);

    const answers = await Promise.all([post(appInstallBody()), post(forged(1)), post(appInstallBody()), post(forged(2)), post(appInstallBody())]);

    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 401, 200, 401, 200]);
    expect(oauth.transport.requests.map((request) => (request.body as Record<string, string>).refresh_token).sort()).toEqual(['forged-refresh-1', 'forged-refresh-2', REFRESH_TOKEN]);
    expect(oauth.mostAtOnce()).toBe(1);
    expect(await tokenStore.load(MEMBER_ID)).toMatchObject({ applicationToken: APPLICATION_TOKEN });
  });

  it('answers 500 (internal), not "OAuth server did not answer", when the confirmed install cannot be stored', async () => {
    const tokenStore = new ObservedStore();
    tokenStore.failure = diskFailure();
    const { post, rejected, log } = bridgeWith({ app: APP, tokenStore, transport: oauthServer().transport });

    const response = await post(appInstallBody());

    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ error: 'internal', message: expect.stringContaining('reinstall the application') });
    expect([await rejected('internal'), await rejected('oauth_unavailable')]).toEqual([1, 0]);
    expect(log()).toContain('"outcome":"internal"');
    expect(log()).toContain('EACCES');
    for (const secret of [ACCESS_TOKEN, REFRESH_TOKEN, APPLICATION_TOKEN, FRESH.access_token, FRESH.refresh_token, APP.clientSecret]) expect(log()).not.toContain(secret);
  });

  it('answers 503 (token_store_unavailable) to an event when the installations token store cannot be read', async () => {
    const tokenStore = new ObservedStore([INSTALLED]);
    tokenStore.failure = diskFailure();
    const { post, rejected, log } = bridgeWith({ app: APP, tokenStore, transport: oauthServer().transport });

    const response = await post(appEventBody('ONCRMDEALUPDATE', 5));

    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'token_store_unavailable' });
    expect([await rejected('token_store_unavailable'), await rejected('malformed')]).toEqual([1, 0]);
    expect(log()).not.toContain(APPLICATION_TOKEN);
  });

  it('counts an unexpected failure as internal, not malformed', async () => {
    const tokenStore = new ObservedStore([INSTALLED]);
    const { post, rejected } = bridgeWith({ app: APP, tokenStore, transport: oauthServer().transport });
    const uninstall = `event=ONAPPUNINSTALL&auth%5Bmember_id%5D=${MEMBER_ID}&auth%5Bapplication_token%5D=${APPLICATION_TOKEN}`;
    const removing = tokenStore.remove.bind(tokenStore);
    tokenStore.remove = () => Promise.reject(diskFailure());

    const response = await post(uninstall);
    tokenStore.remove = removing;

    expect(response.statusCode).toBe(500);
    expect([await rejected('internal'), await rejected('malformed')]).toEqual([1, 0]);
  });
});
