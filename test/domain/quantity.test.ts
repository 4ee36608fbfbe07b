import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MoneyError } from '../../src/domain/money';
import { formatQuantity, parseQuantity, QUANTITY_SCALE } from '../../src/domain/quantity';

describe('quantities in thousandths', () => {
  it('reads Bitrix24 quantities given as numbers or text', () => {
    expect(QUANTITY_SCALE).toBe(1000);
    expect(parseQuantity(1.5)).toBe(1500);
    expect(parseQuantity('1.5')).toBe(1500);
    expect(parseQuantity(2)).toBe(2000);
    expect(parseQuantity('0.001')).toBe(1);
    expect(parseQuantity('3.2500')).toBe(3250);
    expect(parseQuantity(0)).toBe(0);
  });

  it('refuses what it cannot hold exactly, naming the field', () => {
    expect(() => parseQuantity(0.0005, 'rows[2].QUANTITY')).toThrow('rows[2].QUANTITY "0.0005": expected a non-negative quantity with at most 3 decimals, such as 1.5');
    expect(() => parseQuantity('1.2345')).toThrow(MoneyError);
    expect(() => parseQuantity(-1)).toThrow(/quantity "-1"/);
    expect(() => parseQuantity('1,5')).toThrow(/quantity "1,5"/);
    expect(() => parseQuantity(1e21)).toThrow(/quantity "1e\+21"/);
    expect(() => parseQuantity(0.1 + 0.2)).toThrow(/0\.30000000000000004/);
  });

  it('writes the shortest decimal and reads it back to the same thousandths', () => {
    expect([0, 1, 250, 1500, 2000, 10_000, 1001].map(formatQuantity)).toEqual(['0', '0.001', '0.25', '1.5', '2', '10', '1.001']);
    fc.assert(
      fc.property(fc.nat(1e12), (thousandths) => {
        const text = formatQuantity(thousandths);
        expect(parseQuantity(text)).toBe(thousandths);
        // The number Bitrix would send for that text reads back the same.
        expect(parseQuantity(Number(text))).toBe(thousandths);
      }),
      { numRuns: 500 },
    );
  });
});
