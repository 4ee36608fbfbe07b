import { describe, expect, it } from 'vitest';
import { contacts, createWebhookClient, deals, OperationTimeLimitError, rawCommand, runBatch, toRetryDescriptor, UnexpectedResponseError, ValidationError } from '../../src/bitrix24';
import { fail, ok, ScriptedTransport } from './helpers/scripted-transport';

const SECRET = 's3cr3tw3bh00k';
const WEBHOOK = `https://acme.bitrix24.com/rest/1/${SECRET}/`;

function clientAnswering(result: Record<string, unknown>) {
  return createWebhookClient({ webhookUrl: WEBHOOK, transport: new ScriptedTransport(() => ok(result)), rateLimiter: false, retry: false });
}

describe('batch per-command outcomes', () => {
  it('masks the credentials a portal echoes in a per-command error, as single calls do', async () => {
    const client = clientAnswering({
      result: {},
      result_error: { broken: { error: 'ERROR_CORE', error_description: `Access for ${WEBHOOK}crm.x denied; token ${SECRET}` } },
    });
    const outcomes = await runBatch(client, { broken: rawCommand('crm.x') });
    const error = outcomes.broken.status === 'error' ? outcomes.broken.error : undefined;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.message).not.toContain(SECRET);
    expect(error?.description).toContain('***');
  });

  it('names a malformed field of a command result without its value (personal data), and lets the call be retried', async () => {
    const client = clientAnswering({ result: { contact: { ID: '7', NAME: 'Anna', BIRTHDATE: 'born 15 March 1990' } } });
    const outcomes = await runBatch(client, { contact: contacts.get(7) });
    const error = outcomes.contact.status === 'error' ? outcomes.contact.error : undefined;
    expect(error?.message).toContain("command 'contact' result: result.BIRTHDATE: expected a date (YYYY-MM-DD or ISO datetime), got string");
    expect(error?.message).not.toContain('1990');
    // As for a single call: once a manager corrects the record, the same read succeeds.
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(toRetryDescriptor(error)).toEqual({ retryable: true, type: 'UnexpectedResponseError' });
  });

  it('pauses a command’s method over its time budget, so the next batch waits instead of hitting it again', async () => {
    const transport = new ScriptedTransport(() =>
      ok({ result: {}, result_error: { deal: { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' } } }),
    );
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport, rateLimiter: false, retry: false });
    const first = await runBatch(client, { deal: deals.get(1) });
    const error = first.deal.status === 'error' ? first.deal.error : undefined;
    expect(error).toBeInstanceOf(OperationTimeLimitError);
    expect(error?.retryAfterMs).toBeGreaterThan(0);
    await expect(runBatch(client, { deal: deals.get(2) })).rejects.toBeInstanceOf(OperationTimeLimitError);
    expect(transport.requests).toHaveLength(1);
  });

  it('pauses the batch itself after a 429 on it', async () => {
    const transport = new ScriptedTransport(() => fail(429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.'));
    const client = createWebhookClient({ webhookUrl: WEBHOOK, transport, rateLimiter: false, retry: false });
    await expect(runBatch(client, { deal: deals.get(1) })).rejects.toBeInstanceOf(OperationTimeLimitError);
    const paused = await runBatch(client, { deal: deals.get(2) }).catch((e: unknown) => e);
    expect(paused).toBeInstanceOf(OperationTimeLimitError);
    expect((paused as OperationTimeLimitError).description).toContain('paused by the client');
    expect(transport.requests).toHaveLength(1);
  });
});
