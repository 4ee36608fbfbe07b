import { parse } from 'qs';
import { describe, expect, it } from 'vitest';
import { deals, encodeCommand, rawCommand, resultRef, ValidationError } from '../../src/bitrix24';
import { planChunks, referencedKeys } from '../../src/bitrix24/batch';

/** What PHP's parse_str (and the portal) sees after decoding the command's query. */
function decodedParams(encoded: string): Record<string, unknown> {
  return parse(encoded.slice(encoded.indexOf('?') + 1), { depth: 10, arrayLimit: 1000 });
}

describe('batch command encoding', () => {
  it('builds method?query with PHP bracket nesting and indexed arrays of objects', () => {
    const cmd = rawCommand('crm.deal.productrows.set', {
      id: 7,
      rows: [
        { PRODUCT_NAME: 'Tour & guide', PRICE: '100.50' },
        { PRODUCT_NAME: 'Visa', PRICE: '20.00' },
      ],
    });
    const encoded = encodeCommand(cmd);
    expect(encoded.startsWith('crm.deal.productrows.set?')).toBe(true);
    expect(encoded).toContain('rows%5B1%5D%5BPRODUCT_NAME%5D=Visa');
    expect(decodedParams(encoded)).toEqual({
      id: '7',
      rows: [
        { PRODUCT_NAME: 'Tour & guide', PRICE: '100.50' },
        { PRODUCT_NAME: 'Visa', PRICE: '20.00' },
      ],
    });
  });

  it('encodes filter prefixes in keys so they survive URL decoding', () => {
    const encoded = encodeCommand(deals.list({ filter: { '>ID': 10, '%TITLE': '50%' }, start: -1 }));
    expect(decodedParams(encoded)).toMatchObject({ filter: { '>ID': '10', '%TITLE': '50%' }, start: '-1' });
  });

  it('sends a method without parameters bare', () => {
    expect(encodeCommand(rawCommand('event.get'))).toBe('event.get');
  });

  it('writes $result references and finds them after encoding', () => {
    expect(resultRef('deal', 'CONTACT_ID')).toBe('$result[deal][CONTACT_ID]');
    expect(resultRef('list', 0, 'ID')).toBe('$result[list][0][ID]');
    const cmd = rawCommand('crm.contact.get', { id: resultRef('deal', 'CONTACT_ID') });
    expect(decodedParams(encodeCommand(cmd))).toEqual({ id: '$result[deal][CONTACT_ID]' });
    expect(referencedKeys(cmd)).toEqual(['deal']);
  });
});

describe('batch chunking', () => {
  const get = (id: number) => rawCommand('crm.deal.get', { id });

  it('splits into chunks of at most 50 in order', () => {
    const entries = Array.from({ length: 120 }, (_, i) => [`d${i}`, get(i)] as const);
    const chunks = planChunks(entries);
    expect(chunks.map((chunk) => chunk.length)).toEqual([50, 50, 20]);
    expect(chunks[1]?.[0]?.[0]).toBe('d50');
  });

  it('refuses references to later commands or across chunk boundaries', () => {
    const forward = [
      ['a', rawCommand('crm.contact.get', { id: resultRef('b', 'CONTACT_ID') })],
      ['b', get(1)],
    ] as const;
    expect(() => planChunks(forward)).toThrow(ValidationError);
    const entries = Array.from({ length: 50 }, (_, i) => [`d${i}`, get(i)] as const);
    const crossing = [...entries, ['late', rawCommand('crm.contact.get', { id: resultRef('d0', 'CONTACT_ID') })] as const];
    expect(() => planChunks(crossing)).toThrow(/'late' references 'd0'/);
  });

  it('refuses bad keys, duplicate keys and nested batch', () => {
    expect(() => planChunks([['0', get(1)]])).toThrow(/command key '0'/);
    expect(() => planChunks([['a', get(1)], ['a', get(2)]])).toThrow(/used twice/);
    expect(() => planChunks([['a', rawCommand('batch', {})]])).toThrow(/nested/);
  });
});
