import path from 'node:path';
import { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { ATTEMPT_MARGIN_MS } from '../../activities/attempt-deadline';
import { contacts, createWebhookClient, LeakyBucket, TransientError, type Bitrix24Client } from '../../src/bitrix24';
import { loadProgramme } from '../../src/config/load-programme';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';

const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

/** An attempt with `budgetMs` left before its own cut-off. */
const attemptWithBudget = (budgetMs: number) => new MockActivityEnvironment({ startToCloseTimeoutMs: ATTEMPT_MARGIN_MS + budgetMs });

function activitiesOn(bitrix: Bitrix24Client) {
  // The Temporal client is never used by the CRM comment activity; it connects lazily.
  return createActivities({ bitrix, temporal: new Client(), programme, taskQueue: 'unused' });
}

describe('a Bitrix24 activity attempt stops at its own deadline, before the server retries it', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false });
  });
  afterAll(async () => sandbox?.stop());

  it('gives up while waiting in the rate limiter: nothing is sent', async () => {
    const bucket = new LeakyBucket({ burst: 2, drainPerSecond: 0.5 });
    const bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl, rateLimiter: bucket });
    await bucket.acquire(); // another call used the burst: the next one waits 2 s
    const contactId = sandbox.portal.contacts.ids()[0]!;
    const before = sandbox.portal.timeline.list('contact', contactId).length;
    const sent = sandbox.stats().httpRequests;

    const started = Date.now();
    const attempt = attemptWithBudget(300).run(activitiesOn(bitrix).commentOnContact, { portal: 'p', contactId, text: 'Apology bonus', reference: 'deadline:1' });
    await expect(attempt).rejects.toThrow(/call abandoned before sending/);
    const waited = Date.now() - started;

    expect(waited).toBeLessThan(1_500); // rejected at the cut-off, not when its turn came (2 s)
    expect(sandbox.stats().httpRequests).toBe(sent);
    expect(sandbox.portal.timeline.list('contact', contactId).length).toBe(before);
  });

  it('abandons a request still in flight at the cut-off, reporting that it may have been applied', async () => {
    const slow = await startSandbox({ limits: false, faults: { latencyMs: 3_000 } });
    try {
      const bitrix = createWebhookClient({ webhookUrl: slow.webhookUrl, rateLimiter: false, retry: false });
      const contactId = slow.portal.contacts.ids()[0]!;
      const started = Date.now();
      const attempt = attemptWithBudget(400).run(activitiesOn(bitrix).commentOnContact, { portal: 'p', contactId, text: 'Review bonus', reference: 'deadline:2' });
      await expect(attempt).rejects.toThrow(/request timed out/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await slow.stop();
    }
  });

  it('leaves calls made outside an activity, and attempts within their budget, as they were', async () => {
    const bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl, rateLimiter: false });
    const contactId = sandbox.portal.contacts.ids()[1]!;
    const id = await attemptWithBudget(10_000).run(activitiesOn(bitrix).commentOnContact, { portal: 'p', contactId, text: 'Birthday', reference: 'deadline:3' });
    expect(sandbox.portal.timeline.list('contact', contactId).map((c) => Number(c.ID))).toContain(id);
    await expect(bitrix.withAbortSignal(() => undefined).run(contacts.get(contactId))).resolves.toMatchObject({ id: contactId });
    // An activity called as a plain function, outside any attempt, runs unbounded.
    const plain = await activitiesOn(bitrix).commentOnContact({ portal: 'p', contactId, text: 'Birthday', reference: 'deadline:4' });
    expect(sandbox.portal.timeline.list('contact', contactId).map((c) => Number(c.ID))).toContain(plain);
  });

  it('maps an abandoned call to a retryable error', async () => {
    const bitrix = createWebhookClient({ webhookUrl: sandbox.webhookUrl, rateLimiter: false }).withAbortSignal(() => AbortSignal.abort());
    const error = await bitrix.run(contacts.get(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ retryable: true, mayHaveBeenApplied: false });
  });
});
