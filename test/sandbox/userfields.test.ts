import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { call, resultOf } from './helpers';

describe('sandbox user fields', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false });
  });
  afterAll(() => sandbox.stop());

  const add = (entity: 'deal' | 'contact', fields: Record<string, unknown>) => call(sandbox, `crm.${entity}.userfield.add`, { fields });
  const names = async (entity: 'deal' | 'contact') =>
    resultOf<{ FIELD_NAME: string }[]>(await call(sandbox, `crm.${entity}.userfield.list`, {})).map((f) => f.FIELD_NAME);

  it('always applies the UF_CRM_ prefix and upper-cases the name', async () => {
    expect(resultOf<number>(await add('deal', { FIELD_NAME: 'loyalty_points', USER_TYPE_ID: 'integer' }))).toBeGreaterThan(0);
    await add('deal', { FIELD_NAME: 'UF_CASHBACK', USER_TYPE_ID: 'double' });
    await add('deal', { FIELD_NAME: 'UF_CRM_GROUP', USER_TYPE_ID: 'string' });
    expect(await names('deal')).toEqual(['UF_CRM_LOYALTY_POINTS', 'UF_CRM_CASHBACK', 'UF_CRM_GROUP']);
  });

  it('rejects duplicates, over-long names and invalid characters with ERROR_CORE', async () => {
    const duplicate = await add('deal', { FIELD_NAME: 'LOYALTY_POINTS', USER_TYPE_ID: 'integer' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error).toBe('ERROR_CORE');
    expect((await add('deal', { FIELD_NAME: 'X'.repeat(44), USER_TYPE_ID: 'string' })).body.error_description).toMatch(/too long/);
    expect((await add('deal', { FIELD_NAME: 'X'.repeat(43), USER_TYPE_ID: 'string' })).status).toBe(200);
    expect((await add('deal', { FIELD_NAME: 'bad-name', USER_TYPE_ID: 'string' })).body.error_description).toMatch(/invalid characters/);
  });

  it('stores a single-type crm link as a bare id and a multi-type link with its prefix', async () => {
    await add('deal', { FIELD_NAME: 'REF_ANY', USER_TYPE_ID: 'crm', SETTINGS: { CONTACT: 'Y', COMPANY: 'Y' } });
    await add('deal', { FIELD_NAME: 'REF_CONTACT', USER_TYPE_ID: 'crm', SETTINGS: { CONTACT: 'Y' } });
    const id = resultOf<number>(await call(sandbox, 'crm.deal.add', { fields: { TITLE: 'links', UF_CRM_REF_ANY: 'C_4', UF_CRM_REF_CONTACT: 'C_4', UF_CRM_LOYALTY_POINTS: 12 } }));
    const deal = resultOf<Record<string, unknown>>(await call(sandbox, 'crm.deal.get', { id }));
    expect(deal).toMatchObject({ UF_CRM_REF_ANY: 'C_4', UF_CRM_REF_CONTACT: '4', UF_CRM_LOYALTY_POINTS: '12' });
    const bare = await call(sandbox, 'crm.deal.update', { id, fields: { UF_CRM_REF_ANY: '4' } });
    expect(bare.status).toBe(400);
    expect(bare.body.error_description).toMatch(/UF_CRM_REF_ANY/);
  });

  it('enables LEAD when no entity type is ticked on a crm field', async () => {
    await add('contact', { FIELD_NAME: 'SOURCE_LINK', USER_TYPE_ID: 'crm' });
    const fields = resultOf<{ FIELD_NAME: string; SETTINGS: Record<string, string> }[]>(await call(sandbox, 'crm.contact.userfield.list', { filter: { FIELD_NAME: 'UF_CRM_SOURCE_LINK' } }));
    expect(fields[0]!.SETTINGS).toMatchObject({ LEAD: 'Y', CONTACT: 'N' });
  });
});
