import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridgeServer, type BridgeServer } from '../../src/bridge';
import { lazyTemporalClient } from '../../src/bridge/temporal-client';
import { closedPort } from './closed-port';
import { ACCESS_TOKEN, APPLICATION_TOKEN, MEMBER_ID, appEventBody, outgoingWebhookBody } from './wire-bodies';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

// Temporal is a closed port here: every request that gets past validation must answer 503, none may answer 200.
describe('bridge HTTP server without a reachable Temporal', () => {
  const logLines: string[] = [];
  let bridge: BridgeServer;
  let temporal: ReturnType<typeof lazyTemporalClient>;

  beforeAll(async () => {
    temporal = lazyTemporalClient({ address: `127.0.0.1:${await closedPort()}`, namespace: 'default' });
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) });
    bridge = createBridgeServer({
      portals: [{ key: 'acme', memberId: MEMBER_ID, applicationToken: APPLICATION_TOKEN }],
      temporal: temporal.client,
      bodyLimitBytes: 2048,
      temporalDeadlineMs: 300,
      readinessDeadlineMs: 300,
      logger: pino({ level: 'info' }, sink),
    });
  });
  afterAll(async () => {
    await bridge.app.close();
    await temporal.close();
  });

  const post = (payload: string, headers: Record<string, string> = FORM) =>
    bridge.app.inject({ method: 'POST', url: '/bitrix24/events', headers, payload });

  it('answers 401 to a wrong, missing or foreign token', async () => {
    for (const body of [
      appEventBody('ONCRMDEALUPDATE', 5, 'not-the-token'),
      outgoingWebhookBody('ONCRMDEALUPDATE', 5).replace(/&auth%5Bapplication_token%5D=[^&]*/, ''),
      outgoingWebhookBody('ONCRMDEALUPDATE', 5).replace(MEMBER_ID, 'someone-else'),
    ]) {
      const response = await post(body);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'unauthorized' });
    }
  });

  it('answers 400 naming the bad key', async () => {
    const response = await post(outgoingWebhookBody('ONCRMDEALUPDATE', 'abc'));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'malformed', message: 'data[FIELDS][ID]: must be a positive integer' });
    const badJson = await post('{"event":', { 'content-type': 'application/json' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toEqual({ error: 'malformed', message: 'body: is not valid JSON' });
    const array = await post('[1,2]', { 'content-type': 'application/json' });
    expect(array.json()).toEqual({ error: 'malformed', message: 'body: must be a form-encoded or JSON object' });
  });

  it('answers 415 to a body that is neither form-encoded nor JSON', async () => {
    const response = await post(outgoingWebhookBody('ONCRMDEALUPDATE', 5), { 'content-type': 'text/plain' });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ error: 'malformed' });
  });

  it('answers 413 past the body limit', async () => {
    const response = await post(`${outgoingWebhookBody('ONCRMDEALUPDATE', 5)}&padding=${'x'.repeat(3000)}`);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: 'too_large', message: 'body: larger than the 2048-byte limit' });
  });

  it('answers 202 to an authentic event it does not handle', async () => {
    const response = await post(outgoingWebhookBody('ONCRMLEADADD', 5));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'ignored', event: 'ONCRMLEADADD' });
  });

  it('answers 503, not 200, when Temporal does not accept the signal', async () => {
    const response = await post(appEventBody('ONCRMDEALUPDATE', 77));
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'temporal_unavailable' });
    const line = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.outcome === 'temporal_unavailable');
    expect(line).toMatchObject({ event: 'ONCRMDEALUPDATE', entityId: 77, ts: 1727018926, portal: 'acme', status: 503 });
  });

  it('reports liveness always and readiness only with Temporal', async () => {
    expect((await bridge.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await bridge.app.inject({ url: '/readyz' })).statusCode).toBe(503);
  });

  it('counts every outcome in its metrics', async () => {
    const response = await bridge.app.inject({ url: '/metrics' });
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toContain('loyalty_bridge_events_received_total 10');
    expect(text).toContain('loyalty_bridge_events_rejected_total{reason="unauthorized"} 3');
    expect(text).toContain('loyalty_bridge_events_rejected_total{reason="malformed"} 4');
    expect(text).toContain('loyalty_bridge_events_rejected_total{reason="too_large"} 1');
    expect(text).toContain('loyalty_bridge_events_rejected_total{reason="unknown_event"} 1');
    expect(text).toContain('loyalty_bridge_events_rejected_total{reason="temporal_unavailable"} 1');
    expect(text).not.toContain('loyalty_bridge_events_accepted_total{');
    expect(text).toContain('loyalty_bridge_ack_duration_seconds_count{outcome="unauthorized"} 3');
  });

  it('logs one line per event with ids and outcome but never a token or a full member id', () => {
    const eventLines = logLines.filter((l) => l.includes('"outcome"'));
    expect(eventLines).toHaveLength(10);
    const all = logLines.join('\n');
    expect(all).not.toContain(APPLICATION_TOKEN);
    expect(all).not.toContain(ACCESS_TOKEN);
    expect(all).not.toContain('not-the-token');
    expect(all).not.toContain(MEMBER_ID);
    expect(all).toContain(`"memberIdPrefix":"${MEMBER_ID.slice(0, 6)}"`);
  });
});
