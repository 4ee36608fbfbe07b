import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type FaultConfig, type SandboxHandle } from '../../src/sandbox';
import { call } from './helpers';

const FAULTS: FaultConfig = { seed: 42, errorRates: { 503: 0.2, 429: 0.1, 500: 0.1 }, operatingResetInSeconds: 30 };

describe('sandbox fault injection', () => {
  let sandbox: SandboxHandle | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  async function statusSequence(faults: FaultConfig, count = 40): Promise<number[]> {
    sandbox = await startSandbox({ limits: false, faults });
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) statuses.push((await call(sandbox, 'crm.deal.get', { id: 1 })).status);
    await sandbox.stop();
    sandbox = undefined;
    return statuses;
  }

  it('replays the same error sequence for the same seed and differs for another seed', async () => {
    const first = await statusSequence(FAULTS);
    const second = await statusSequence(FAULTS);
    const other = await statusSequence({ ...FAULTS, seed: 43 });
    expect(first).toEqual(second);
    expect(other).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 503, 429, 500]));
  });

  it('answers injected errors with the portal envelopes, 429 carrying operating_reset_at', async () => {
    sandbox = await startSandbox({ limits: false });
    sandbox.setFaults({ seed: 1, errorRates: { 429: 1 }, operatingResetInSeconds: 30 });
    const limited = await call(sandbox, 'crm.deal.get', { id: 1 });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'OPERATION_TIME_LIMIT', time: { operating_reset_at: expect.any(Number) } });
    sandbox.setFaults({ seed: 1, errorRates: { 500: 1 } });
    expect((await call(sandbox, 'crm.deal.get', { id: 1 })).body).toEqual({ error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' });
    sandbox.setFaults({ seed: 1, errorRates: { 503: 1 }, methods: ['crm.deal.list'] });
    expect((await call(sandbox, 'crm.deal.get', { id: 1 })).status).toBe(200);
    expect((await call(sandbox, 'crm.deal.list', {})).status).toBe(503);
    expect(sandbox.stats()).toMatchObject({ rejected429: 1, rejected503: 1 });
  });

  it('hangs a request past the client timeout and then drops the connection', async () => {
    sandbox = await startSandbox({ limits: false, faults: { seed: 3, errorRates: { timeout: 1 }, hangMs: 400 } });
    await expect(
      fetch(`${sandbox.webhookUrl}crm.deal.get`, { method: 'POST', body: '{"id":1}', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow(/abort|timeout/i);
    await expect(fetch(`${sandbox.webhookUrl}crm.deal.get?id=1`)).rejects.toThrow();
  });

  it('applies a call and then loses its answer: the caller times out but the change is made', async () => {
    sandbox = await startSandbox({ limits: false, faults: { seed: 3, errorRates: { lostResponse: 1 }, hangMs: 400 } });
    const update = fetch(`${sandbox.webhookUrl}crm.deal.update`, {
      method: 'POST',
      body: JSON.stringify({ id: 1, fields: { TITLE: 'applied, never answered' } }),
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(100),
    });
    await expect(update).rejects.toThrow(/abort|timeout/i);
    expect(sandbox.portal.deals.get(1)?.TITLE).toBe('applied, never answered');
  });

  it('adds configured latency: a caller with a shorter timeout gives up, a patient one gets the answer', async () => {
    const slow = await startSandbox({ limits: false, faults: { latencyMs: 300 } });
    sandbox = slow;
    const get = (timeoutMs: number) =>
      fetch(`${slow.webhookUrl}crm.deal.get`, { method: 'POST', body: '{"id":1}', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    await expect(get(30)).rejects.toThrow(/abort|timeout/i);
    expect((await get(10_000)).status).toBe(200);
  });
});
