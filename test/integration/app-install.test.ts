import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthClient, JsonFileTokenStore, LOYALTY_EVENTS, setupPortal } from '../../src/bitrix24';
import { startBridge, type RunningBridge } from '../../src/bridge';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { dealWorkflowId } from '../../src/temporal/workflow-ids';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal';

const suffix = randomUUID().slice(0, 8);
const PORTAL = { key: `installed-${suffix}`, memberId: `member-${suffix}-${randomUUID()}` };
const APP = { clientId: `local.${suffix}`, clientSecret: `secret-${randomUUID()}`, applicationToken: `app-token-${randomUUID()}` };
const TASK_QUEUE = uniqueTaskQueue('app-install');
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let env: TestWorkflowEnvironment;
let client: Client;
let sandbox: SandboxHandle;
let bridge: RunningBridge;
let tokenDir: string;
let tokenStore: JsonFileTokenStore;
let handlerUrl: string;
const logLines: string[] = [];

beforeAll(async () => {
  env = await connectToDevServer();
  client = env.client;
  tokenDir = await mkdtemp(path.join(tmpdir(), 'loyalty-install-'));
  tokenStore = new JsonFileTokenStore(path.join(tokenDir, 'tokens.json'));
  sandbox = await startSandbox({ limits: false, portal: { memberId: PORTAL.memberId }, oauthApps: [APP] });
  bridge = await startBridge({
    portals: [PORTAL],
    installations: { app: { clientId: APP.clientId, clientSecret: APP.clientSecret }, tokenStore, tokenUrl: sandbox.oauthEndpoint },
    temporal: client,
    taskQueue: TASK_QUEUE,
    logger: pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) })),
  });
  handlerUrl = `${bridge.url}/bitrix24/events`;
});
afterAll(async () => {
  await bridge?.stop();
  await sandbox?.stop();
  await env?.teardown();
  await rm(tokenDir, { recursive: true, force: true });
});

const post = (pairs: [string, string][]) => fetch(handlerUrl, { method: 'POST', headers: FORM, body: new URLSearchParams(pairs).toString() });

function dealEvent(dealId: number, applicationToken: string, memberId = PORTAL.memberId): [string, string][] {
  return [
    ['event', 'ONCRMDEALUPDATE'],
    ['data[FIELDS][ID]', String(dealId)],
    ['ts', '1763856000'],
    ['auth[member_id]', memberId],
    ['auth[application_token]', applicationToken],
  ];
}

/** An install request as Bitrix24 shapes it, with tokens the OAuth server never issued. */
function forgedInstall(memberId: string): [string, string][] {
  return [
    ['event', 'ONAPPINSTALL'],
    ['data[VERSION]', '1'],
    ['ts', '1763856000'],
    ['auth[access_token]', 'forged-access'],
    ['auth[refresh_token]', 'forged-refresh'],
    ['auth[expires]', '1763859600'],
    ['auth[client_endpoint]', 'https://attacker.example/rest/'],
    ['auth[server_endpoint]', 'https://attacker.example/oauth/'],
    ['auth[member_id]', memberId],
    ['auth[application_token]', 'attacker-chosen-token'],
  ];
}

async function expectNotStarted(dealId: number): Promise<void> {
  await expect(client.workflow.getHandle(dealWorkflowId(PORTAL.key, dealId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

describe('a portal that installs the engine as an application (ONAPPINSTALL)', () => {
  it('accepts no event before the install, and no forged install', async () => {
    expect((await post(dealEvent(1, APP.applicationToken))).status).toBe(401);

    const forged = await post(forgedInstall(PORTAL.memberId));
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('did not confirm its tokens') });
    const foreign = await post(forgedInstall('member-of-someone-else'));
    expect(foreign.status).toBe(401);
    expect(await foreign.json()).toMatchObject({ message: 'auth[member_id]: no portal configured here installs this application' });
    const incomplete = await post(forgedInstall(PORTAL.memberId).filter(([key]) => key !== 'auth[refresh_token]'));
    expect(incomplete.status).toBe(400);
    expect(await incomplete.json()).toMatchObject({ message: 'auth[refresh_token]: is required' });

    expect(await tokenStore.load(PORTAL.memberId)).toBeUndefined();
    expect((await post(dealEvent(1, 'attacker-chosen-token'))).status).toBe(401);
    await expectNotStarted(1);
  });

  it('records the install, binds the CRM events with its tokens and accepts the portal events after it', async () => {
    const install = await sandbox.installApplication(APP.clientId, handlerUrl);
    expect([install.status, install.httpStatus]).toEqual(['delivered', 200]);
    const installed = await tokenStore.load(PORTAL.memberId);
    expect(installed).toMatchObject({ memberId: PORTAL.memberId, applicationToken: APP.applicationToken, clientEndpoint: `${sandbox.baseUrl}/rest/` });
    // The install's refresh token was exchanged to verify it: the stored pair is the OAuth server's fresh one.
    expect(new URLSearchParams(install.body).get('auth[refresh_token]')).not.toBe(installed!.refreshToken);

    const portalClient = createOAuthClient({ memberId: PORTAL.memberId, app: APP, tokenStore, tokenUrl: sandbox.oauthEndpoint, rateLimiter: false });
    const setup = await setupPortal(portalClient, { handlerUrl });
    expect(setup.events.map((event) => event.event).sort()).toEqual([...LOYALTY_EVENTS].sort());

    sandbox.portal.deals.setStage(3, 'PREPARATION');
    await sandbox.portal.settleEvents();
    expect(sandbox.portal.eventLog().filter((d) => d.event === 'ONCRMDEALUPDATE').map((d) => d.httpStatus)).toEqual([200]);
    // The bridge answers 200 only once Temporal holds the signal: the deal's workflow exists by now.
    await expect(client.workflow.getHandle(dealWorkflowId(PORTAL.key, 3)).describe()).resolves.toMatchObject({ taskQueue: TASK_QUEUE });
    expect((await post(dealEvent(4, 'attacker-chosen-token'))).status).toBe(401);
    await expectNotStarted(4);
  });

  it('forgets the installation on ONAPPUNINSTALL carrying its token, and nothing else', async () => {
    const spoofed = await post([['event', 'ONAPPUNINSTALL'], ['auth[member_id]', PORTAL.memberId], ['auth[application_token]', 'attacker-chosen-token']]);
    expect(spoofed.status).toBe(401);
    expect(await tokenStore.load(PORTAL.memberId)).toMatchObject({ applicationToken: APP.applicationToken });

    const uninstall = await sandbox.uninstallApplication(APP.clientId, handlerUrl);
    expect([uninstall.status, uninstall.httpStatus]).toEqual(['delivered', 200]);
    expect(await tokenStore.load(PORTAL.memberId)).toBeUndefined();
    expect((await post(dealEvent(5, APP.applicationToken))).status).toBe(401);
    await expectNotStarted(5);
  });

  it('logs every install request by outcome without a token or secret', () => {
    const log = logLines.join('');
    expect(log).toContain('"event":"ONAPPINSTALL"');
    const deliveredTokens = sandbox.portal.eventLog().flatMap((d) => ['auth[access_token]', 'auth[refresh_token]'].map((key) => new URLSearchParams(d.body).get(key)));
    for (const secret of [APP.applicationToken, APP.clientSecret, 'forged-refresh', 'attacker-chosen-token', ...deliveredTokens.filter((t) => t !== null)]) {
      expect(log).not.toContain(secret);
    }
  });
});
