import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { call, resultOf } from './helpers';

describe('sandbox CRM entities', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false });
  });
  afterAll(() => sandbox.stop());

  const getDeal = async (id: number) => resultOf<Record<string, string>>(await call(sandbox, 'crm.deal.get', { id }));

  it('merges contact multifields: update by ID, delete, append, keep the rest', async () => {
    const id = resultOf<number>(
      await call(sandbox, 'crm.contact.add', {
        fields: { NAME: 'Lev', PHONE: [{ VALUE: '+111', VALUE_TYPE: 'WORK' }, { VALUE: '+222', VALUE_TYPE: 'MOBILE' }], EMAIL: [{ VALUE: 'lev@example.com' }] },
      }),
    );
    const before = resultOf<{ PHONE: { ID: string; VALUE: string }[] }>(await call(sandbox, 'crm.contact.get', { id }));
    const [work, mobile] = before.PHONE;
    await call(sandbox, 'crm.contact.update', { id, fields: { PHONE: [{ ID: work!.ID, VALUE: '+111-new' }, { ID: mobile!.ID, DELETE: 'Y' }, { VALUE: '+333', VALUE_TYPE: 'HOME' }] } });
    const after = resultOf<Record<string, { VALUE: string; VALUE_TYPE: string }[]>>(await call(sandbox, 'crm.contact.get', { id }));
    expect(after.PHONE!.map((p) => [p.VALUE, p.VALUE_TYPE])).toEqual([
      ['+111-new', 'WORK'],
      ['+333', 'HOME'],
    ]);
    expect(after.EMAIL!.map((e) => e.VALUE)).toEqual(['lev@example.com']);
  });

  it('stores BIRTHDATE from the locale format and prints it as local midnight', async () => {
    const id = resultOf<number>(await call(sandbox, 'crm.contact.add', { fields: { NAME: 'Mila', BIRTHDATE: '11.11.1999' } }));
    expect(resultOf<Record<string, string>>(await call(sandbox, 'crm.contact.get', { id })).BIRTHDATE).toBe('1999-11-11T00:00:00+03:00');
  });

  it('binds deal contacts: first item is primary unless one is marked', async () => {
    await call(sandbox, 'crm.deal.contact.items.set', { id: 3, items: [{ CONTACT_ID: 4 }, { CONTACT_ID: 5, IS_PRIMARY: 'Y' }] });
    expect(resultOf(await call(sandbox, 'crm.deal.contact.items.get', { id: 3 }))).toEqual([
      { CONTACT_ID: 4, SORT: 10, ROLE_ID: 0, IS_PRIMARY: 'N' },
      { CONTACT_ID: 5, SORT: 20, ROLE_ID: 0, IS_PRIMARY: 'Y' },
    ]);
    expect((await getDeal(3)).CONTACT_ID).toBe('5');
    await call(sandbox, 'crm.deal.update', { id: 3, fields: { CONTACT_IDS: [1, 2] } });
    expect(resultOf<{ CONTACT_ID: number; IS_PRIMARY: string }[]>(await call(sandbox, 'crm.deal.contact.items.get', { id: 3 })).map((b) => [b.CONTACT_ID, b.IS_PRIMARY])).toEqual([
      [1, 'Y'],
      [2, 'N'],
    ]);
  });

  it('derives stage semantics and closes the deal on a final stage', async () => {
    const id = resultOf<number>(await call(sandbox, 'crm.deal.add', { fields: { TITLE: 'Sochi', CATEGORY_ID: 1 } }));
    expect(await getDeal(id)).toMatchObject({ STAGE_ID: 'C1:NEW', STAGE_SEMANTIC_ID: 'P', CLOSED: 'N', IS_NEW: 'Y' });
    await call(sandbox, 'crm.deal.update', { id, fields: { STAGE_ID: 'C1:WON' } });
    expect(await getDeal(id)).toMatchObject({ STAGE_ID: 'C1:WON', STAGE_SEMANTIC_ID: 'S', CLOSED: 'Y', IS_NEW: 'N' });
    const history = resultOf<{ items: { STAGE_ID: string; TYPE_ID: number }[] }>(
      await call(sandbox, 'crm.stagehistory.list', { entityTypeId: 2, filter: { OWNER_ID: id }, order: { ID: 'ASC' } }),
    );
    expect(history.items.map((h) => [h.TYPE_ID, h.STAGE_ID])).toEqual([
      [1, 'C1:NEW'],
      [3, 'C1:WON'],
    ]);
  });

  it('keeps CATEGORY_ID immutable in crm.deal.update and ignores stages of other pipelines', async () => {
    const id = resultOf<number>(await call(sandbox, 'crm.deal.add', { fields: { TITLE: 'Stay', CATEGORY_ID: 0 } }));
    await call(sandbox, 'crm.deal.update', { id, fields: { CATEGORY_ID: 1, STAGE_ID: 'C1:WON' } });
    expect(await getDeal(id)).toMatchObject({ CATEGORY_ID: '0', STAGE_ID: 'NEW' });
  });

  it('moves a deal between pipelines with crm.item.update', async () => {
    const id = resultOf<number>(await call(sandbox, 'crm.deal.add', { fields: { TITLE: 'Move me', CATEGORY_ID: 0 } }));
    const moved = resultOf<{ item: Record<string, unknown> }>(await call(sandbox, 'crm.item.update', { entityTypeId: 2, id, fields: { categoryId: 1, stageId: 'C1:PREPARATION' } }));
    expect(moved.item).toMatchObject({ id, categoryId: 1, stageId: 'C1:PREPARATION', stageSemanticId: 'P' });
    expect(await getDeal(id)).toMatchObject({ CATEGORY_ID: '1', STAGE_ID: 'C1:PREPARATION' });
  });

  it('deletes deals', async () => {
    const id = resultOf<number>(await call(sandbox, 'crm.deal.add', { fields: { TITLE: 'Gone' } }));
    expect(resultOf(await call(sandbox, 'crm.deal.delete', { id }))).toBe(true);
    expect((await call(sandbox, 'crm.deal.get', { id })).body.error_description).toBe('Not found');
  });

  it('validates timeline comments and reads them back', async () => {
    expect((await call(sandbox, 'crm.timeline.comment.add', { fields: { ENTITY_TYPE: 'deal', ENTITY_ID: 999, COMMENT: 'x' } })).body.error).toBe('OWNER_NOT_FOUND');
    expect((await call(sandbox, 'crm.timeline.comment.add', { fields: { ENTITY_TYPE: 'deal', ENTITY_ID: 2, COMMENT: ' ' } })).body.error).toBe('INVALID_ARG_VALUE');
    await call(sandbox, 'crm.timeline.comment.add', { fields: { ENTITY_TYPE: 'deal', ENTITY_ID: 2, COMMENT: 'Cashback 5% credited' } });
    const list = resultOf<Record<string, string>[]>(await call(sandbox, 'crm.timeline.comment.list', { filter: { ENTITY_TYPE: 'deal', ENTITY_ID: 2 } }));
    expect(list.map((c) => c.COMMENT)).toEqual(['Cashback 5% credited']);
  });

  it('rejects an update with a bad value without writing any of its fields', async () => {
    await call(sandbox, 'crm.contact.userfield.add', { fields: { FIELD_NAME: 'VISITS', USER_TYPE_ID: 'integer' } });
    const response = await call(sandbox, 'crm.contact.update', { id: 5, fields: { NAME: 'Changed', UF_CRM_VISITS: 'many' } });
    expect(response.status).toBe(400);
    expect(response.body.error_description).toMatch(/UF_CRM_VISITS: "many" is not an integer/);
    expect(resultOf<Record<string, string>>(await call(sandbox, 'crm.contact.get', { id: 5 })).NAME).toBe('Daria');
  });

  it('reads deals and contacts through crm.item.get with camelCase or original UF names', async () => {
    const contact = resultOf<{ item: Record<string, unknown> }>(await call(sandbox, 'crm.item.get', { entityTypeId: 3, id: 2 }));
    expect(contact.item).toMatchObject({ id: 2, name: 'Boris', ufCrmLoyaltyReferrer: '1' });
    const original = resultOf<{ item: Record<string, unknown> }>(await call(sandbox, 'crm.item.get', { entityTypeId: 3, id: 2, useOriginalUfNames: 'Y' }));
    expect(original.item).toMatchObject({ UF_CRM_LOYALTY_REFERRER: '1' });
    const deal = resultOf<{ item: Record<string, unknown> }>(await call(sandbox, 'crm.item.get', { entityTypeId: 2, id: 1 }));
    expect(deal.item).toMatchObject({ id: 1, opportunity: 52800, stageId: 'C1:WON', contactIds: [1] });
    expect((await call(sandbox, 'crm.item.get', { entityTypeId: 2, id: 999 })).body.error).toBe('NOT_FOUND');
  });

  it('fills user-field defaults on new entities', async () => {
    await call(sandbox, 'crm.contact.userfield.add', { fields: { FIELD_NAME: 'REF_COUNT', USER_TYPE_ID: 'integer', SETTINGS: { DEFAULT_VALUE: 0 } } });
    const id = resultOf<number>(await call(sandbox, 'crm.contact.add', { fields: { NAME: 'Nina' } }));
    expect(resultOf<Record<string, unknown>>(await call(sandbox, 'crm.contact.get', { id })).UF_CRM_REF_COUNT).toBe('0');
  });

  it('finds contacts by phone digits or e-mail with crm.duplicate.findbycomm', async () => {
    expect(resultOf(await call(sandbox, 'crm.duplicate.findbycomm', { type: 'PHONE', values: ['+7 (916) 123-45-04'] }))).toEqual({ CONTACT: [4] });
    expect(resultOf(await call(sandbox, 'crm.duplicate.findbycomm', { type: 'EMAIL', values: ['VERA.K@example.com'], entity_type: 'CONTACT' }))).toEqual({ CONTACT: [3] });
    expect(resultOf(await call(sandbox, 'crm.duplicate.findbycomm', { type: 'PHONE', values: ['000'] }))).toEqual([]);
  });
});
