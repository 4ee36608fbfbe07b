import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCommentOnce, createWebhookClient, type Bitrix24Client } from '../../src/bitrix24';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';

describe('addCommentOnce against the sandbox portal', () => {
  let sandbox: SandboxHandle;
  let client: Bitrix24Client;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false });
    client = createWebhookClient({ webhookUrl: sandbox.webhookUrl });
  });
  afterAll(async () => sandbox?.stop());

  it('adds a comment once per reference, however often it is retried', async () => {
    const contactId = sandbox.portal.contacts.ids()[0]!;
    const input = { entityType: 'contact' as const, entityId: contactId, comment: 'Apology bonus 500.00 RUB: delivery was late' };
    const before = sandbox.portal.timeline.list('contact', contactId).length;

    const first = await addCommentOnce(client, input, 'loyalty:bonus:req-1');
    const retry = await addCommentOnce(client, input, 'loyalty:bonus:req-1');
    const other = await addCommentOnce(client, input, 'loyalty:bonus:req-2');

    expect(first.created).toBe(true);
    expect(retry).toEqual({ id: first.id, created: false });
    expect(other.created).toBe(true);
    expect(sandbox.portal.timeline.list('contact', contactId).length).toBe(before + 2);
  });

  it('finds its reference beyond the first page of comments', async () => {
    const contactId = sandbox.portal.contacts.ids()[1]!;
    for (let i = 0; i < 60; i++) sandbox.portal.timeline.add('contact', contactId, `note ${i}`);
    const input = { entityType: 'contact' as const, entityId: contactId, comment: 'Review bonus' };
    const first = await addCommentOnce(client, input, 'loyalty:bonus:late');
    for (let i = 0; i < 5; i++) sandbox.portal.timeline.add('contact', contactId, `later ${i}`);
    expect(await addCommentOnce(client, input, 'loyalty:bonus:late')).toEqual({ id: first.id, created: false });
  });
});
