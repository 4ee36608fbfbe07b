import { describe, expect, it } from 'vitest';
import { contacts, createWebhookClient, rawCommand, runBatch, toRetryDescriptor, UnexpectedResponseError, ValidationError } from '../../src/bitrix24';
import { ok, ScriptedTransport } from './helpers/scripted-transport';

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
});
