import { randomUUID } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type RunningBridge, type StartBridgeOptions } from '../../src/bridge';
import { startSandbox, type FaultConfig, type SandboxHandle } from '../../src/sandbox';
import { CONTACT_ID, DEAL_ID, PORTAL } from '../../src/temporal/search-attributes';
import { LOYALTY_TASK_QUEUE } from '../../src/temporal/task-queues';
import { contactWorkflowId, dealWorkflowId } from '../../src/temporal/workflow-ids';
import { type CrmEventNotice } from '../../workflows/crm-event';
import { closedPort } from '../bridge/closed-port';
import { connectToDevServer, eventually } from '../helpers/temporal';

const EVENTS = ['ONCRMDEALUPDATE', 'ONCRMCONTACTUPDATE'];

let env: TestWorkflowEnvironment;
let client: Client;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  env = await connectToDevServer();
  client = env.client;
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await env?.teardown();
});

/** A portal identity of its own per test, so no test sees another's workflows. */
function uniquePortal() {
  const suffix = randomUUID().slice(0, 8);
  return { key: `bridge-${suffix}`, memberId: `member-${suffix}-${randomUUID()}`, applicationToken: `token-${randomUUID()}` };
}

type Portal = ReturnType<typeof uniquePortal>;

async function bridgeFor(portal: Portal, temporal: StartBridgeOptions['temporal'] = client): Promise<RunningBridge> {
  const bridge = await startBridge({ portals: [portal], temporal, logger: false, bodyLimitBytes: 4096, temporalDeadlineMs: 1500, readinessDeadlineMs: 500 });
  cleanups.push(() => bridge.stop());
  return bridge;
}

async function sandboxSending(bridge: RunningBridge, portal: Portal, options: { token?: string; faults?: FaultConfig } = {}): Promise<SandboxHandle> {
  const sandbox = await startSandbox({
    limits: false,
    portal: { memberId: portal.memberId },
    outgoingWebhooks: [{ handlerUrl: `${bridge.url}/bitrix24/events`, events: EVENTS, applicationToken: options.token ?? portal.applicationToken }],
    faults: options.faults,
  });
  cleanups.push(() => sandbox.stop());
  return sandbox;
}

async function signalsOf(workflowId: string): Promise<CrmEventNotice[]> {
  const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
  return (events ?? [])
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((a) => a?.signalName === 'crmEvent')
    .map((a) => defaultPayloadConverter.fromPayload<CrmEventNotice>(a!.input!.payloads![0]!));
}

async function expectNotStarted(workflowId: string): Promise<void> {
  await expect(client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

async function countForPortal(portal: Portal): Promise<number> {
  return (await client.workflow.count(`LoyaltyPortal = '${portal.key}'`)).count;
}

/** A Bitrix24-shaped form body (bracket keys percent-encoded) with the portal's credentials. */
function eventBody(portal: Portal, fields: Record<string, string>): string {
  const pairs: [string, string][] = [
    ...Object.entries(fields),
    ['ts', '1763856000'],
    ['auth[domain]', 'b24-test.bitrix24.ru'],
    ['auth[member_id]', portal.memberId],
    ['auth[application_token]', portal.applicationToken],
  ];
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

async function postForm(bridge: RunningBridge, body: string): Promise<Response> {
  return fetch(`${bridge.url}/bitrix24/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

describe('webhook bridge on a real Temporal server', () => {
  it('turns the sandbox portal events into signal-with-start on the deal and contact workflows', async () => {
    const portal = uniquePortal();
    const bridge = await bridgeFor(portal);
    const sandbox = await sandboxSending(bridge, portal);

    sandbox.portal.deals.setStage(3, 'PREPARATION');
    sandbox.portal.contacts.update(1, { COMMENTS: 'prefers e-mail' });
    await sandbox.portal.settleEvents();

    const deliveries = sandbox.portal.eventLog();
    expect(deliveries.map((d) => [d.event, d.httpStatus]).sort()).toEqual([
      ['ONCRMCONTACTUPDATE', 200],
      ['ONCRMDEALUPDATE', 200],
    ]);

    const dealId = dealWorkflowId(portal.key, 3);
    const deal = await client.workflow.getHandle(dealId).describe();
    expect(deal.type).toBe('deal');
    expect(deal.taskQueue).toBe(LOYALTY_TASK_QUEUE);
    expect(deal.typedSearchAttributes.get(PORTAL)).toBe(portal.key);
    expect(deal.typedSearchAttributes.get(DEAL_ID)).toBe('3');
    const sentDealTs = Number(new URLSearchParams(deliveries.find((d) => d.event === 'ONCRMDEALUPDATE')!.body).get('ts'));
    expect(await signalsOf(dealId)).toEqual([{ event: 'ONCRMDEALUPDATE', entityId: 3, ts: sentDealTs, source: 'webhook' }]);

    const contactId = contactWorkflowId(portal.key, 'contact', 1);
    const contact = await client.workflow.getHandle(contactId).describe();
    expect(contact.type).toBe('contact');
    expect(contact.typedSearchAttributes.get(PORTAL)).toBe(portal.key);
    expect(contact.typedSearchAttributes.get(CONTACT_ID)).toBe('1');
    const sentContactTs = Number(new URLSearchParams(deliveries.find((d) => d.event === 'ONCRMCONTACTUPDATE')!.body).get('ts'));
    expect(await signalsOf(contactId)).toEqual([{ event: 'ONCRMCONTACTUPDATE', entityId: 1, ts: sentContactTs, source: 'webhook' }]);
  });

  it('answers 401 to a portal sending the wrong application token and starts nothing', async () => {
    const portal = uniquePortal();
    const bridge = await bridgeFor(portal);
    const sandbox = await sandboxSending(bridge, portal, { token: 'a-token-we-never-issued' });

    sandbox.portal.deals.setStage(3, 'PREPARATION');
    await sandbox.portal.settleEvents();

    expect(sandbox.portal.eventLog().map((d) => [d.event, d.status, d.httpStatus])).toEqual([['ONCRMDEALUPDATE', 'failed', 401]]);
    await expectNotStarted(dealWorkflowId(portal.key, 3));
    expect(await countForPortal(portal)).toBe(0);
  });

  it('answers 400 to garbage, 413 to an oversized body and 202 to an unknown event, starting nothing', async () => {
    const portal = uniquePortal();
    const bridge = await bridgeFor(portal);

    const garbage = await postForm(bridge, eventBody(portal, { event: 'ONCRMDEALUPDATE', 'data[FIELDS][ID]': 'drop table' }));
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({ error: 'malformed', message: 'data[FIELDS][ID]: must be a positive integer' });

    const oversized = await postForm(bridge, eventBody(portal, { event: 'ONCRMDEALUPDATE', 'data[FIELDS][ID]': '4', 'data[FIELDS][NOTE]': 'x'.repeat(5000) }));
    expect(oversized.status).toBe(413);

    const unknown = await postForm(bridge, eventBody(portal, { event: 'ONCRMLEADADD', 'data[FIELDS][ID]': '5' }));
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toEqual({ status: 'ignored', event: 'ONCRMLEADADD' });

    for (const id of [4, 5]) await expectNotStarted(dealWorkflowId(portal.key, id));
    expect(await countForPortal(portal)).toBe(0);

    const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
    expect(metrics).toContain('loyalty_bridge_events_rejected_total{reason="malformed"} 1');
    expect(metrics).toContain('loyalty_bridge_events_rejected_total{reason="too_large"} 1');
    expect(metrics).toContain('loyalty_bridge_events_rejected_total{reason="unknown_event"} 1');
  });

  it('answers 503 and acknowledges nothing while Temporal is unreachable; /readyz tells the difference', async () => {
    const portal = uniquePortal();
    const dead = await bridgeFor(portal, { address: `127.0.0.1:${await closedPort()}`, namespace: env.namespace ?? 'default' });
    const live = await bridgeFor(portal);
    const sandbox = await sandboxSending(dead, portal);

    sandbox.portal.deals.setStage(3, 'PREPARATION');
    sandbox.portal.contacts.update(2, { COMMENTS: 'called back' });
    await sandbox.portal.settleEvents();

    expect(sandbox.portal.eventLog().map((d) => d.httpStatus)).toEqual([503, 503]);
    await expectNotStarted(dealWorkflowId(portal.key, 3));
    await expectNotStarted(contactWorkflowId(portal.key, 'contact', 2));
    expect((await fetch(`${dead.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${live.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${dead.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${dead.url}/metrics`)).text()).toContain('loyalty_bridge_events_rejected_total{reason="temporal_unavailable"} 2');
  });

  it('records every duplicated delivery as a signal on one workflow per entity', async () => {
    const portal = uniquePortal();
    const bridge = await bridgeFor(portal);
    const sandbox = await sandboxSending(bridge, portal, { faults: { seed: 7, events: { duplicateRate: 1 } } });

    sandbox.portal.deals.setStage(3, 'PREPARATION');
    sandbox.portal.deals.setStage(2, 'C1:WON');
    await sandbox.portal.settleEvents();

    expect(sandbox.portal.eventLog().map((d) => d.httpStatus)).toEqual([200, 200, 200, 200]);
    for (const dealId of [2, 3]) {
      const notices = await signalsOf(dealWorkflowId(portal.key, dealId));
      expect(notices).toHaveLength(2);
      expect(notices[0]).toEqual(notices[1]);
      expect(notices[0]).toMatchObject({ event: 'ONCRMDEALUPDATE', entityId: dealId, source: 'webhook' });
    }
    await eventually(async () => (await countForPortal(portal)) === 2);
    const listed: string[] = [];
    for await (const execution of client.workflow.list({ query: `LoyaltyPortal = '${portal.key}'` })) listed.push(execution.workflowId);
    expect(listed.sort()).toEqual([dealWorkflowId(portal.key, 2), dealWorkflowId(portal.key, 3)]);
  });
});
