import { randomUUID } from 'node:crypto';
import { type Client } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type RunningBridge } from '../../src/bridge';
import { dealWorkflowId } from '../../src/temporal/workflow-ids';
import { runPool } from '../../bench/support';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal';

/**
 * Thousands of hostile requests against a real bridge on the shared dev server: every one gets the status its
 * defect deserves, none of the rejected ones starts a workflow, replays of a valid event only add signals to the
 * one workflow of their deal, and the bridge is still healthy at the end.
 */
const BODY_LIMIT = 4096;
const SEED = 20261123;
const PER_KIND = 500;
const REPLAYED_DEALS = [11, 12, 13, 14, 15];
const REPLAYS_PER_DEAL = 40;

let env: TestWorkflowEnvironment;
let client: Client;
let bridge: RunningBridge;
const portal = { key: `fuzz-${randomUUID().slice(0, 8)}`, memberId: `member-${randomUUID()}`, applicationToken: `token-${randomUUID()}` };

beforeAll(async () => {
  env = await connectToDevServer();
  client = env.client;
  bridge = await startBridge({ portals: [portal], temporal: client, taskQueue: uniqueTaskQueue('fuzz'), logger: false, bodyLimitBytes: BODY_LIMIT });
});
afterAll(async () => {
  await bridge?.stop();
  await env?.teardown();
});

interface FuzzRequest {
  kind: string;
  contentType: string;
  body: string;
  expected: readonly number[];
}

const form = (pairs: [string, string][]): string => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

function dealEvent(dealId: string, token = portal.applicationToken, extra: [string, string][] = []): string {
  return form([
    ['event', 'ONCRMDEALUPDATE'],
    ['data[FIELDS][ID]', dealId],
    ['ts', '1763856000'],
    ['auth[domain]', 'fuzz.bitrix24.com'],
    ['auth[member_id]', portal.memberId],
    ['auth[application_token]', token],
    ...extra,
  ]);
}

const FORM = 'application/x-www-form-urlencoded';
const notAnId = fc.string({ maxLength: 20 }).filter((text) => !/^[1-9]\d{0,14}$/.test(text));

function hostileRequests(): FuzzRequest[] {
  const sample = <T>(arbitrary: fc.Arbitrary<T>, offset: number): T[] => fc.sample(arbitrary, { numRuns: PER_KIND, seed: SEED + offset });
  return [
    // Without valid credentials nothing is even parsed further: garbage is unauthorised, broken JSON malformed.
    ...sample(fc.string({ maxLength: 300 }), 1).map((body) => ({ kind: 'garbage form', contentType: FORM, body, expected: [401] })),
    ...sample(fc.string({ maxLength: 300 }), 2).map((body) => ({ kind: 'garbage json', contentType: 'application/json', body, expected: [400, 401] })),
    ...sample(fc.string({ minLength: 1, maxLength: 60 }).filter((t) => t !== portal.applicationToken), 3).map((token) => ({
      kind: 'wrong token',
      contentType: FORM,
      body: dealEvent('7', token),
      expected: [401],
    })),
    ...sample(notAnId, 4).map((id) => ({ kind: 'bad deal id', contentType: FORM, body: dealEvent(id), expected: [400] })),
    ...sample(fc.integer({ min: BODY_LIMIT, max: 4 * BODY_LIMIT }), 5).map((size) => ({
      kind: 'oversized',
      contentType: FORM,
      body: dealEvent('8', portal.applicationToken, [['data[FIELDS][NOTE]', 'x'.repeat(size)]]),
      expected: [413],
    })),
    ...sample(fc.constantFrom('text/plain', 'application/xml', 'image/png'), 6).map((contentType) => ({
      kind: 'wrong content type',
      contentType,
      body: dealEvent('9'),
      expected: [415],
    })),
  ];
}

async function send(request: Pick<FuzzRequest, 'contentType' | 'body'>): Promise<number> {
  const response = await fetch(`${bridge.url}/bitrix24/events`, { method: 'POST', headers: { 'content-type': request.contentType }, body: request.body });
  await response.arrayBuffer();
  return response.status;
}

describe('bridge under fuzzing', () => {
  it('rejects every hostile request with the right status, starts nothing for them and stays up', async () => {
    const hostile = hostileRequests();
    const replays = REPLAYED_DEALS.flatMap((dealId) => Array.from({ length: REPLAYS_PER_DEAL }, () => ({ kind: 'replay', contentType: FORM, body: dealEvent(String(dealId)), expected: [200] })));
    // Replays arrive mixed with the attack, in a seeded order.
    const all = [...hostile, ...replays];
    const [requests] = fc.sample(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), { numRuns: 1, seed: SEED });
    if (requests === undefined) throw new Error('no request order sampled');
    expect(requests.length).toBeGreaterThanOrEqual(3000);

    const wrong: string[] = [];
    await runPool(requests.length, 16, async (index) => {
      const request = requests[index]!;
      const status = await send(request);
      if (!request.expected.includes(status)) wrong.push(`${request.kind}: got ${status}, expected ${request.expected.join('|')} for ${JSON.stringify(request.body.slice(0, 80))}`);
    });
    expect(wrong).toEqual([]);

    // Only the replayed deals have workflows, one each, holding every replay as a signal.
    const listed: string[] = [];
    for await (const execution of client.workflow.list({ query: `LoyaltyPortal = '${portal.key}'` })) listed.push(execution.workflowId);
    expect(listed.sort()).toEqual(REPLAYED_DEALS.map((dealId) => dealWorkflowId(portal.key, dealId)).sort());
    for (const dealId of REPLAYED_DEALS) {
      const { events } = await client.workflow.getHandle(dealWorkflowId(portal.key, dealId)).fetchHistory();
      expect((events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes).length).toBe(REPLAYS_PER_DEAL);
    }

    expect((await fetch(`${bridge.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${bridge.url}/readyz`)).status).toBe(200);
  });
});
