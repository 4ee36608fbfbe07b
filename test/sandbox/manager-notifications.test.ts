import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNotificationActivities } from '../../activities/notify';
import { createWebhookClient, type Bitrix24Client } from '../../src/bitrix24';
import { type LoyaltyNotification, type NotificationSettings } from '../../src/domain/notifications';
import { bitrix24Channel } from '../../src/notifications/bitrix24-channel';
import { logChannel } from '../../src/notifications/log-channel';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { exampleProgramme } from '../domain/programme.fixture';
import { callApp, resultOf } from './helpers';

const APP = { clientId: 'local.loyalty', clientSecret: 'app-secret', applicationToken: 'app-token' };
const MANAGER = 7;

interface Received {
  idempotencyKey: string | undefined;
  body: Record<string, unknown>;
}

/** A stand-in messenger bridge: records what it is sent and answers with `status`. */
async function startReceiver(): Promise<{ url: string; received: Received[]; status: number; close(): Promise<void> }> {
  const state = { received: [] as Received[], status: 200 };
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      state.received.push({ idempotencyKey: request.headers['idempotency-key'] as string | undefined, body: JSON.parse(text) as Record<string, unknown> });
      response.writeHead(state.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/loyalty?token=secret-token`,
    get received() {
      return state.received;
    },
    get status() {
      return state.status;
    },
    set status(value: number) {
      state.status = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('manager notifications against the sandbox portal', () => {
  let sandbox: SandboxHandle;
  let bitrix: Bitrix24Client;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let contactId: number;

  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false, oauthApps: [APP] });
    bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl, rateLimiter: false });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.portal.state.notifications = [];
    receiver.received.length = 0;
    receiver.status = 200;
    contactId = sandbox.portal.contacts.add({ NAME: 'Irina', BIRTHDATE: '1990-05-17' }, { userId: MANAGER });
  });

  const activities = (notifications: NotificationSettings) => createNotificationActivities({ bitrix, programme: exampleProgramme({ notifications }) });
  const bonus = (): LoyaltyNotification & { kind: 'bonusGranted' } => ({ kind: 'bonusGranted', contactId, requestId: 'req-1', bonusKind: 'review', amountMinor: 30_000, author: 'user:1' });

  it('tells the contact’s responsible manager in the Bitrix24 notification centre', async () => {
    const outcome = await activities({ kinds: ['bonusGranted'], channels: [{ type: 'bitrix24' }] }).notifyManager({ portal: 'p', notification: bonus() });
    expect(outcome).toEqual({ status: 'sent', channels: ['bitrix24'] });
    const [notice, ...others] = sandbox.portal.notifications();
    expect(others).toEqual([]);
    expect(notice).toMatchObject({ userId: MANAGER, tag: `loyalty:bonusGranted:${contactId}:req-1`, application: 'webhook:loyalty-engine' });
    expect(notice?.message).toBe(
      `Loyalty: contact #${contactId} was granted a review bonus of 300.00 RUB by user:1.\n[URL=/crm/contact/details/${contactId}/]Open the contact[/URL]`,
    );
  });

  it('replaces rather than duplicates when the activity is retried', async () => {
    const notify = activities({ kinds: ['bonusGranted'], channels: [{ type: 'bitrix24' }] });
    await notify.notifyManager({ portal: 'p', notification: bonus() });
    await notify.notifyManager({ portal: 'p', notification: bonus() });
    expect(sandbox.portal.notifications()).toHaveLength(1);
    await notify.notifyManager({ portal: 'p', notification: { ...bonus(), requestId: 'req-2' } });
    expect(sandbox.portal.notifications()).toHaveLength(2);
  });

  it('sends nothing for a kind the rules file leaves out', async () => {
    const outcome = await activities({ kinds: ['cashbackAccrued'], channels: [{ type: 'bitrix24' }] }).notifyManager({ portal: 'p', notification: bonus() });
    expect(outcome).toEqual({ status: 'off' });
    expect(sandbox.portal.notifications()).toEqual([]);
  });

  it('skips a contact without a responsible manager', async () => {
    sandbox.portal.state.contacts[String(contactId)]!.fields.ASSIGNED_BY_ID = null;
    const outcome = await activities({ kinds: ['bonusGranted'], channels: [{ type: 'bitrix24' }] }).notifyManager({ portal: 'p', notification: bonus() });
    expect(outcome).toEqual({ status: 'no-manager' });
    expect(sandbox.portal.notifications()).toEqual([]);
  });

  it('fails for good when the contact no longer exists', async () => {
    const notify = activities({ kinds: ['bonusGranted'], channels: [{ type: 'bitrix24' }] });
    const failure = await notify.notifyManager({ portal: 'p', notification: { ...bonus(), contactId: 999_999 } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('posts to a webhook channel with the tag as the idempotency key, and no birthdate anywhere', async () => {
    const notify = activities({ kinds: ['birthdayWindowOpen'], channels: [{ type: 'bitrix24' }, { type: 'webhook', url: receiver.url }] });
    const notification: LoyaltyNotification = { kind: 'birthdayWindowOpen', contactId, season: 2025 };
    expect(await notify.notifyManager({ portal: 'p', notification })).toEqual({ status: 'sent', channels: ['bitrix24', 'webhook'] });
    expect(receiver.received).toEqual([
      {
        idempotencyKey: `loyalty:birthdayWindowOpen:${contactId}:2025`,
        body: { tag: `loyalty:birthdayWindowOpen:${contactId}:2025`, managerUserId: MANAGER, text: `Loyalty: the birthday discount of contact #${contactId} is active now.`, notification },
      },
    ]);
    const everything = JSON.stringify([receiver.received, sandbox.portal.notifications()]);
    expect(everything).not.toContain('1990');
    expect(everything).not.toContain('05-17');
  });

  it('writes one JSON line per notice through the log channel, with ids but no name or birthdate', async () => {
    const lines: string[] = [];
    const programme = exampleProgramme({ notifications: { kinds: ['bonusGranted'], channels: [{ type: 'log' }] } });
    const notify = createNotificationActivities({ bitrix, programme, channels: [logChannel((line) => lines.push(line))] });
    expect(await notify.notifyManager({ portal: 'p', notification: bonus() })).toEqual({ status: 'sent', channels: ['log'] });
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        msg: 'loyalty notice',
        kind: 'bonusGranted',
        contactId,
        managerUserId: MANAGER,
        tag: `loyalty:bonusGranted:${contactId}:req-1`,
        text: `Loyalty: contact #${contactId} was granted a review bonus of 300.00 RUB by user:1.`,
      },
    ]);
    expect(lines.join('')).not.toMatch(/Irina|1990|05-17/);
    expect(sandbox.portal.notifications()).toEqual([]);
  });

  it('retries when one channel fails, without repeating the URL that may hold a token', async () => {
    receiver.status = 503;
    const notify = activities({ kinds: ['bonusGranted'], channels: [{ type: 'bitrix24' }, { type: 'webhook', url: receiver.url }] });
    const failure = await notify.notifyManager({ portal: 'p', notification: bonus() }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(false);
    expect((failure as ApplicationFailure).message).toBe('notification not delivered through webhook: webhook channel: the receiver answered HTTP 503');
    // The Bitrix24 notice went out; the retry replaces it.
    receiver.status = 200;
    await notify.notifyManager({ portal: 'p', notification: bonus() });
    expect(sandbox.portal.notifications()).toHaveLength(1);
    expect(receiver.received.map((r) => r.idempotencyKey)).toEqual([`loyalty:bonusGranted:${contactId}:req-1`, `loyalty:bonusGranted:${contactId}:req-1`]);
  });
});

describe('sandbox im.notify.system.add tags', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false, oauthApps: [APP] });
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => void (sandbox.portal.state.notifications = []));

  it('replace an application’s earlier notification with the same tag', async () => {
    const token = sandbox.issueOAuthToken(APP.clientId).accessToken;
    resultOf(await callApp(sandbox, token, 'im.notify.system.add', { USER_ID: 3, MESSAGE: 'first', TAG: 'loyalty:x' }));
    resultOf(await callApp(sandbox, token, 'im.notify.system.add', { USER_ID: 3, MESSAGE: 'second', TAG: 'loyalty:x' }));
    resultOf(await callApp(sandbox, token, 'im.notify.system.add', { USER_ID: 3, MESSAGE: 'other', TAG: 'loyalty:y' }));
    expect(sandbox.portal.notifications().map((n) => n.message)).toEqual(['second', 'other']);
  });

  it('replace nothing for a webhook call that names no CLIENT_ID', async () => {
    const bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl, rateLimiter: false });
    const channel = bitrix24Channel(bitrix);
    const message = { managerUserId: 3, tag: 'loyalty:z', text: 'hello', notification: { kind: 'referralNew', contactId: 1, referredContactId: 2 } as const };
    await bitrix.call('im.notify.system.add', { USER_ID: 3, MESSAGE: 'untagged scope', TAG: 'loyalty:z' });
    await bitrix.call('im.notify.system.add', { USER_ID: 3, MESSAGE: 'untagged scope', TAG: 'loyalty:z' });
    await channel.send(message);
    await channel.send(message);
    expect(sandbox.portal.notifications().map((n) => [n.message.split('\n')[0], n.application])).toEqual([
      ['untagged scope', null],
      ['untagged scope', null],
      ['hello', 'webhook:loyalty-engine'],
    ]);
  });
});
