import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { call, fakeClock, resultOf } from './helpers';

const SEEDED_DEALS = 5;

describe('sandbox list methods: pagination, filters, select, order', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false });
    for (let i = 1; i <= 120; i++)
      sandbox.portal.deals.add({ TITLE: `Bulk ${i}`, OPPORTUNITY: `${i * 100}.50`, CATEGORY_ID: i % 2, IS_MANUAL_OPPORTUNITY: 'Y', COMMENTS: i % 10 === 0 ? 'VIP guest' : 'regular' });
  });
  afterAll(() => sandbox.stop());

  it('pages at 50 with next and total', async () => {
    const first = await call(sandbox, 'crm.deal.list', { order: { ID: 'ASC' }, select: ['ID'] });
    expect(first.body.total).toBe(120 + SEEDED_DEALS);
    expect(first.body.next).toBe(50);
    expect(resultOf<unknown[]>(first)).toHaveLength(50);
    const last = await call(sandbox, 'crm.deal.list', { order: { ID: 'ASC' }, select: ['ID'], start: 100 });
    expect(resultOf<unknown[]>(last)).toHaveLength(25);
    expect(last.body).not.toHaveProperty('next');
  });

  it('skips the count with start=-1: total 0 and no next', async () => {
    const response = await call(sandbox, 'crm.deal.list', { order: { ID: 'ASC' }, filter: { '>ID': 60 }, select: ['ID'], start: -1 });
    const rows = resultOf<{ ID: string }[]>(response);
    expect(response.body.total).toBe(0);
    expect(response.body).not.toHaveProperty('next');
    expect(rows).toHaveLength(50);
    expect(rows[0]!.ID).toBe('61');
  });

  it('supports the comparison, IN, LIKE and negation prefixes', async () => {
    const ids = async (filter: Record<string, unknown>) =>
      resultOf<{ ID: string }[]>(await call(sandbox, 'crm.deal.list', { filter, select: ['ID'], order: { ID: 'ASC' }, start: -1 })).map((r) => Number(r.ID));
    expect(await ids({ '>=ID': 123, '<=ID': 125 })).toEqual([123, 124, 125]);
    expect(await ids({ '>ID': 123, '<ID': 125 })).toEqual([124]);
    expect(await ids({ '@ID': [2, 4, 77] })).toEqual([2, 4, 77]);
    expect((await ids({ '!@ID': [1, 2], '<ID': 5 }))).toEqual([3, 4]);
    expect(await ids({ '%COMMENTS': 'vip', '<ID': 40 })).toEqual([15, 25, 35]);
    expect(await ids({ '=TITLE': 'Bulk 7' })).toEqual([12]);
    expect(await ids({ '!CATEGORY_ID': 1, '<ID': 12 })).toEqual([3, 5, 7, 9, 11]);
    expect(await ids({ '!=CATEGORY_ID': 0, '<ID': 8 })).toEqual([1, 2, 4, 6]);
    expect(await ids({ '>OPPORTUNITY': '11900.50', '>ID': SEEDED_DEALS })).toEqual([125]);
    expect(await ids({ '>=OPPORTUNITY': '11900.50', '>ID': SEEDED_DEALS })).toEqual([124, 125]);
    expect(await ids({ STAGE_ID: 'C1:WON' })).toEqual([1]);
  });

  it('orders by any field, descending', async () => {
    const rows = resultOf<{ ID: string; OPPORTUNITY: string }[]>(
      await call(sandbox, 'crm.deal.list', { order: { OPPORTUNITY: 'DESC' }, select: ['ID', 'OPPORTUNITY'], filter: { '>ID': SEEDED_DEALS } }),
    );
    expect(rows.slice(0, 2)).toEqual([
      { ID: '125', OPPORTUNITY: '12000.50' },
      { ID: '124', OPPORTUNITY: '11900.50' },
    ]);
  });

  it('selects named fields, * and UF_*; multifields only when named', async () => {
    const named = resultOf<Record<string, unknown>[]>(await call(sandbox, 'crm.contact.list', { select: ['NAME'], filter: { ID: 1 } }));
    expect(named).toEqual([{ ID: '1', NAME: 'Anna' }]);
    const star = resultOf<Record<string, unknown>[]>(await call(sandbox, 'crm.contact.list', { select: ['*'], filter: { ID: 2 } }));
    expect(star[0]).toHaveProperty('LAST_NAME', 'Ivanov');
    expect(star[0]).not.toHaveProperty('UF_CRM_LOYALTY_REFERRER');
    expect(star[0]).not.toHaveProperty('PHONE');
    const withUf = resultOf<Record<string, unknown>[]>(await call(sandbox, 'crm.contact.list', { select: ['UF_*', 'PHONE'], filter: { ID: 2 } }));
    expect(withUf[0]).toMatchObject({ ID: '2', UF_CRM_LOYALTY_REFERRER: '1', PHONE: [{ VALUE: '+79161234502' }] });
    const byDefault = resultOf<Record<string, unknown>[]>(await call(sandbox, 'crm.contact.list', { filter: { ID: 2 } }));
    expect(byDefault[0]).toHaveProperty('UF_CRM_LOYALTY_REFERRER', '1');
    expect(byDefault[0]).toHaveProperty('BIRTHDATE', '1979-11-02T00:00:00+03:00');
  });

  it('filters contacts by user field and by exact multifield value', async () => {
    const referred = resultOf<{ ID: string }[]>(await call(sandbox, 'crm.contact.list', { filter: { UF_CRM_LOYALTY_REFERRER: '1' }, select: ['ID'] }));
    expect(referred.map((r) => r.ID)).toEqual(['2', '3']);
    const byPhone = resultOf<{ ID: string }[]>(await call(sandbox, 'crm.contact.list', { filter: { PHONE: '+79161234504' }, select: ['ID'] }));
    expect(byPhone.map((r) => r.ID)).toEqual(['4']);
  });

  it('filters on DATE_MODIFY for reconciliation scans', async () => {
    const clock = fakeClock();
    const timed = await startSandbox({ limits: false, clock: clock.now });
    try {
      clock.advance(3600_000);
      const watermark = resultOf<Record<string, string>>(await call(timed, 'crm.deal.get', { id: 1 })).DATE_MODIFY!;
      clock.advance(60_000);
      await call(timed, 'crm.deal.update', { id: 4, fields: { TITLE: 'touched' } });
      const changed = resultOf<{ ID: string }[]>(await call(timed, 'crm.deal.list', { filter: { '>DATE_MODIFY': watermark }, select: ['ID'] }));
      expect(changed.map((r) => r.ID)).toEqual(['4']);
    } finally {
      await timed.stop();
    }
  });
});
