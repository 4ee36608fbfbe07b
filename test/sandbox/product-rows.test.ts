import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { call, resultOf } from './helpers';

describe('sandbox product rows', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false });
  });
  afterAll(() => sandbox.stop());

  const newDeal = async (fields: Record<string, unknown> = {}) => resultOf<number>(await call(sandbox, 'crm.deal.add', { fields: { TITLE: 'rows', ...fields } }));
  const rowsOf = async (id: number) => resultOf<Record<string, unknown>[]>(await call(sandbox, 'crm.deal.productrows.get', { id }));
  const opportunity = async (id: number) => resultOf<Record<string, string>>(await call(sandbox, 'crm.deal.get', { id })).OPPORTUNITY;

  it('derives NETTO, EXCLUSIVE, BRUTTO and the discount pair from PRICE and a percent discount', async () => {
    const id = await newDeal();
    await call(sandbox, 'crm.deal.productrows.set', { id, rows: [{ PRODUCT_NAME: 'Tour', PRICE: 899.1, QUANTITY: 2, DISCOUNT_TYPE_ID: 2, DISCOUNT_RATE: 10 }] });
    const [row] = await rowsOf(id);
    expect(row).toMatchObject({ OWNER_ID: String(id), OWNER_TYPE: 'D', PRICE: 899.1, PRICE_EXCLUSIVE: 899.1, PRICE_NETTO: 999, PRICE_BRUTTO: 999, DISCOUNT_SUM: 99.9, DISCOUNT_RATE: 10, QUANTITY: 2 });
    expect(await opportunity(id)).toBe('1798.20');
  });

  it('derives the rate of an absolute discount and applies tax on top of the exclusive price', async () => {
    const id = await newDeal();
    await call(sandbox, 'crm.deal.productrows.set', { id, rows: [{ PRODUCT_ID: 4, PRICE: 1200, TAX_RATE: 20, DISCOUNT_TYPE_ID: 1, DISCOUNT_SUM: 250 }] });
    const [row] = await rowsOf(id);
    expect(row).toMatchObject({ PRODUCT_NAME: 'Travel insurance', PRICE: 1200, PRICE_EXCLUSIVE: 1000, PRICE_NETTO: 1250, PRICE_BRUTTO: 1500, DISCOUNT_RATE: 20, DISCOUNT_SUM: 250, TAX_RATE: 20 });
    const deal = resultOf<Record<string, string>>(await call(sandbox, 'crm.deal.get', { id }));
    expect([deal.OPPORTUNITY, deal.TAX_VALUE]).toEqual(['1200.00', '200.00']);
  });

  it('sums money exactly in minor units', async () => {
    const id = await newDeal();
    await call(sandbox, 'crm.deal.productrows.set', { id, rows: Array.from({ length: 10 }, () => ({ PRODUCT_NAME: 'x', PRICE: '0.10' })) });
    expect(await opportunity(id)).toBe('1.00');
  });

  it('leaves OPPORTUNITY alone when IS_MANUAL_OPPORTUNITY is Y', async () => {
    const id = await newDeal({ OPPORTUNITY: 500, IS_MANUAL_OPPORTUNITY: 'Y' });
    await call(sandbox, 'crm.deal.productrows.set', { id, rows: [{ PRODUCT_NAME: 'x', PRICE: 100 }] });
    expect(await opportunity(id)).toBe('500.00');
  });

  it('replaces the whole set', async () => {
    const id = await newDeal();
    await call(sandbox, 'crm.deal.productrows.set', { id, rows: [{ PRODUCT_NAME: 'a', PRICE: 1 }, { PRODUCT_NAME: 'b', PRICE: 2 }] });
    await call(sandbox, 'crm.deal.productrows.set', { id, rows: [{ PRODUCT_NAME: 'c', PRICE: 3 }] });
    expect((await rowsOf(id)).map((r) => r.PRODUCT_NAME)).toEqual(['c']);
    expect(await opportunity(id)).toBe('3.00');
  });

  it.each([
    [{ PRICE: 10, DISCOUNT_TYPE_ID: 2 }, /DISCOUNT_RATE/],
    [{ PRICE: 10, DISCOUNT_TYPE_ID: 1 }, /DISCOUNT_SUM/],
    [{ PRICE: 10, DISCOUNT_TYPE_ID: 2, DISCOUNT_RATE: 100 }, /100%/],
    [{ PRICE: 'ten' }, /PRICE/],
  ])('rejects the whole set with ERROR_CORE when a row is invalid (%o) and writes nothing', async (bad, message) => {
    const id = await newDeal();
    await call(sandbox, 'crm.deal.productrows.set', { id, rows: [{ PRODUCT_NAME: 'keep', PRICE: 7 }] });
    const response = await call(sandbox, 'crm.deal.productrows.set', { id, rows: [{ PRODUCT_NAME: 'fine', PRICE: 1 }, { PRODUCT_NAME: 'bad', ...bad }] });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('ERROR_CORE');
    expect(String(response.body.error_description)).toMatch(/^rows\[1\]/);
    expect(String(response.body.error_description)).toMatch(message);
    expect((await rowsOf(id)).map((r) => r.PRODUCT_NAME)).toEqual(['keep']);
    expect(await opportunity(id)).toBe('7.00');
  });
});
