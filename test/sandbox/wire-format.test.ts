import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { call, post, resultOf } from './helpers';

describe('sandbox wire format', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false });
  });
  afterAll(() => sandbox.stop());

  it('wraps results in the envelope with a time object and stringified legacy scalars', async () => {
    const response = await call(sandbox, 'crm.deal.get', { id: 2 });
    expect(response.status).toBe(200);
    const deal = resultOf<Record<string, unknown>>(response);
    expect(deal).toMatchObject({ ID: '2', CATEGORY_ID: '1', STAGE_ID: 'C1:UC_BOOKED', STAGE_SEMANTIC_ID: 'P', OPPORTUNITY: '61650.00', CONTACT_ID: '2' });
    expect(deal).not.toHaveProperty('CONTACT_IDS');
    expect(deal.DATE_CREATE).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
    const time = response.body.time as Record<string, unknown>;
    // limits: false → no operating limit, so no operating figures (as on a self-hosted portal)
    expect(Object.keys(time)).toEqual(['start', 'finish', 'duration', 'processing', 'date_start', 'date_finish']);
  });

  it('serialises empty maps as [] and escapes slashes like PHP', async () => {
    const response = await call(sandbox, 'batch', { cmd: { a: 'crm.deal.get?id=1' } });
    expect(response.text).toContain('"result_error":[]');
    const withUrl = await call(sandbox, 'crm.timeline.comment.add', { fields: { ENTITY_TYPE: 'deal', ENTITY_ID: 1, COMMENT: 'see https://example.com/a' } });
    const list = await call(sandbox, 'crm.timeline.comment.list', { filter: { ENTITY_ID: 1, ENTITY_TYPE: 'deal' } });
    expect(resultOf<number>(withUrl)).toBeGreaterThan(0);
    expect(list.text).toContain('https:\\/\\/example.com\\/a');
  });

  it('accepts duplicate slashes, a .json suffix, upper-case method names and upper-case top-level params', async () => {
    const url = `${sandbox.baseUrl}/rest//1/sandbox-secret//CRM.Deal.Get.json`;
    const response = await post(url, { ID: 3 });
    expect(resultOf<Record<string, unknown>>(response).TITLE).toBe('Club membership for Vera');
  });

  it('merges query-string and form-encoded PHP bracket parameters', async () => {
    const response = await post(`${sandbox.webhookUrl}crm.contact.add?fields[LAST_NAME]=Orlova`, { fields: { NAME: 'Elena', PHONE: [{ VALUE: '+7000', VALUE_TYPE: 'MOBILE' }] } }, true);
    const id = resultOf<number>(response);
    const contact = resultOf<Record<string, unknown>>(await call(sandbox, 'crm.contact.get', { id }));
    expect(contact).toMatchObject({ NAME: 'Elena', HAS_PHONE: 'Y', PHONE: [{ VALUE: '+7000', VALUE_TYPE: 'MOBILE', TYPE_ID: 'PHONE' }] });
  });

  it('answers unknown methods with 404 ERROR_METHOD_NOT_FOUND', async () => {
    const response = await call(sandbox, 'crm.nothing.here');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' });
  });

  it('answers a webhook URL without its user id with "Method not found!"', async () => {
    const response = await post(`${sandbox.baseUrl}/rest/sandbox-secret/crm.deal.get`, { id: 1 });
    expect(response.status).toBe(404);
    expect(response.body.error).toBe('ERROR_METHOD_NOT_FOUND');
  });

  it('rejects a wrong webhook secret with INVALID_CREDENTIALS', async () => {
    const response = await post(`${sandbox.baseUrl}/rest/1/wrong/crm.deal.get`, { id: 1 });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('INVALID_CREDENTIALS');
  });

  it('uses the legacy empty-code 400 errors of crm.deal.*', async () => {
    expect((await call(sandbox, 'crm.deal.get', { id: 9999 })).body).toEqual({ error: '', error_description: 'Not found' });
    const invalid = await call(sandbox, 'crm.deal.get', { id: 'abc' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error_description).toBe('ID is not defined or invalid.');
    const noFields = await call(sandbox, 'crm.deal.add', { fields: 'x' });
    expect(noFields.body.error_description).toBe("Parameter 'fields' must be array.");
  });

  it('refuses app-only methods to incoming webhooks', async () => {
    for (const method of ['event.bind', 'event.offline.get']) {
      const response = await call(sandbox, method, { event: 'ONCRMDEALUPDATE', handler: 'http://127.0.0.1:1/' });
      expect(response.status).toBe(403);
      expect(response.body.error).toBe('ACCESS_DENIED');
    }
  });

  it('describes deal fields including user fields', async () => {
    const fields = resultOf<Record<string, Record<string, unknown>>>(await call(sandbox, 'crm.deal.fields'));
    expect(fields.CATEGORY_ID).toMatchObject({ type: 'crm_category', isImmutable: true });
    expect(fields.OPPORTUNITY).toMatchObject({ type: 'double', isReadOnly: false });
    const contactFields = resultOf<Record<string, Record<string, unknown>>>(await call(sandbox, 'crm.contact.fields'));
    expect(contactFields.UF_CRM_LOYALTY_REFERRER).toMatchObject({ type: 'crm', isDynamic: true });
    expect(contactFields.PHONE).toMatchObject({ type: 'crm_multifield', isMultiple: true });
  });

  it('lists pipelines and the stage dictionary with semantics', async () => {
    const categories = await call(sandbox, 'crm.category.list', { entityTypeId: 2 });
    expect((resultOf<{ categories: { id: number; name: string; isDefault: string }[] }>(categories)).categories.map((c) => [c.id, c.name, c.isDefault])).toEqual([
      [0, 'Sales', 'Y'],
      [1, 'Travel club', 'N'],
    ]);
    const stages = resultOf<Record<string, unknown>[]>(await call(sandbox, 'crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE_1' } }));
    expect(stages.map((s) => [s.STATUS_ID, s.SEMANTICS])).toEqual([
      ['C1:NEW', null],
      ['C1:PREPARATION', null],
      ['C1:UC_BOOKED', null],
      ['C1:WON', 'S'],
      ['C1:LOSE', 'F'],
    ]);
  });

  it('records system notifications and validates them', async () => {
    const id = resultOf<number>(await call(sandbox, 'im.notify.system.add', { USER_ID: 1, MESSAGE: 'Cashback credited' }));
    expect(sandbox.portal.notifications().find((n) => n.id === id)?.message).toBe('Cashback credited');
    expect((await call(sandbox, 'im.notify.system.add', { USER_ID: 1 })).body.error).toBe('MESSAGE_EMPTY');
  });

  it('accepts multipart/form-data with bracket names', async () => {
    const form = new FormData();
    form.append('fields[TITLE]', 'From a multipart form');
    form.append('fields[OPPORTUNITY]', '150.5');
    form.append('fields[IS_MANUAL_OPPORTUNITY]', 'Y');
    const response = await fetch(`${sandbox.webhookUrl}crm.deal.add`, { method: 'POST', body: form });
    const id = ((await response.json()) as { result: number }).result;
    expect(resultOf<Record<string, string>>(await call(sandbox, 'crm.deal.get', { id }))).toMatchObject({ TITLE: 'From a multipart form', OPPORTUNITY: '150.50' });
  });
});
