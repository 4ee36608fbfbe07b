import { describe, expect, it } from 'vitest';
import { asMap, crmLinkId, flag, optionalDate, optionalDateTime, optionalInteger, ResponseShapeError, userFieldsOf } from '../../src/bitrix24/normalize';
import { currencyFractionDigits, fromMinorUnits, toMinorUnits } from '../../src/bitrix24/money';

function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('scalar normalisation', () => {
  it('parses stringified integers and rejects garbage with the field path', () => {
    expect(optionalInteger('410', 'deal.ID')).toBe(410);
    expect(optionalInteger('', 'deal.ID')).toBeNull();
    expect(() => optionalInteger('41a', 'deal.ID')).toThrow(ResponseShapeError);
    expect(() => optionalInteger('41a', 'deal.ID')).toThrow(/deal\.ID/);
    expect(() => optionalInteger('4.5', 'deal.ID')).toThrow(/integer/);
  });

  it('reads Y/N and 1/0 flags', () => {
    expect(flag('Y', 'f')).toBe(true);
    expect(flag('N', 'f')).toBe(false);
    expect(flag('1', 'f')).toBe(true);
    expect(flag('0', 'f')).toBe(false);
    expect(flag(undefined, 'f')).toBe(false);
    expect(() => flag('maybe', 'f')).toThrow(/f: expected a Y\/N flag/);
  });

  it('keeps datetimes with the portal offset and adds the instant', () => {
    expect(optionalDateTime('2024-05-01T10:00:00+03:00', 'd')).toEqual({ iso: '2024-05-01T10:00:00+03:00', epochMs: Date.UTC(2024, 4, 1, 7) });
    expect(() => optionalDateTime('01.05.2024 10:00', 'd')).toThrow(/ISO-8601/);
  });

  it('takes the date part of BIRTHDATE without converting through UTC', () => {
    // Midnight at +03:00 is the previous day in UTC: the calendar date must stay 1990-03-15.
    expect(optionalDate('1990-03-15T00:00:00+03:00', 'BIRTHDATE')).toBe('1990-03-15');
    expect(optionalDate('2001-11-11T02:00:00+02:00', 'BIRTHDATE')).toBe('2001-11-11');
    expect(optionalDate('1990-03-15', 'BIRTHDATE')).toBe('1990-03-15');
    expect(optionalDate('11.11.1999', 'BIRTHDATE')).toBe('1999-11-11');
    expect(optionalDate('', 'BIRTHDATE')).toBeNull();
  });

  it('reads crm link values with and without the entity prefix', () => {
    expect(crmLinkId('123', 'C', 'UF')).toBe(123);
    expect(crmLinkId('C_123', 'C', 'UF')).toBe(123);
    expect(crmLinkId(['C_7'], 'C', 'UF')).toBe(7);
    expect(crmLinkId('CO_5', 'C', 'UF')).toBeNull();
    expect(crmLinkId('', 'C', 'UF')).toBeNull();
    expect(() => crmLinkId('abc', 'C', 'UF')).toThrow(/UF/);
  });

  it('names the path, what was expected and the JS type it got, never the value (it may be personal data)', () => {
    const messages = [
      () => optionalInteger('Anna +79990001122', 'result.PHONE'),
      () => optionalDate('15 марта 1990', 'result.BIRTHDATE'),
      () => optionalDateTime(19900315, 'result.DATE_CREATE'),
      () => asMap(['Anna', 'Petrova'], 'result.NAME'),
      () => flag({ secret: 'Petrova' }, 'result.OPENED'),
    ].map((read) => {
      const error = catchError(read);
      expect(error).toBeInstanceOf(ResponseShapeError);
      return error.message;
    });
    expect(messages).toEqual([
      'result.PHONE: expected a number, got string',
      'result.BIRTHDATE: expected a date (YYYY-MM-DD or ISO datetime), got string',
      'result.DATE_CREATE: expected an ISO-8601 datetime with offset, got number',
      'result.NAME: expected an object, got array',
      'result.OPENED: expected a Y/N flag, got object',
    ]);
  });

  it('turns PHP empty-map [] into {}', () => {
    expect(asMap([], 'x')).toEqual({});
    expect(asMap({ a: 1 }, 'x')).toEqual({ a: 1 });
    expect(() => asMap([1], 'x')).toThrow(/x: expected an object/);
    expect(userFieldsOf({ ID: '1', UF_CRM_A: [], UF_CRM_B: 'x' })).toEqual({ UF_CRM_A: null, UF_CRM_B: 'x' });
  });
});

describe('money', () => {
  it('converts decimal text and doubles to exact minor units', () => {
    expect(toMinorUnits('1000000.00', 2, 'p')).toBe(100_000_000);
    expect(toMinorUnits(899.1, 2, 'p')).toBe(89_910);
    expect(toMinorUnits(0.1 + 0.2, 2, 'p')).toBe(30);
    expect(toMinorUnits('19.995', 2, 'p')).toBe(2000);
    expect(toMinorUnits('-5.005', 2, 'p')).toBe(-501);
    expect(toMinorUnits('1500', 0, 'p')).toBe(1500);
    expect(() => toMinorUnits('12,50', 2, 'deal.OPPORTUNITY')).toThrow(/deal\.OPPORTUNITY/);
  });

  it('renders minor units as wire decimals', () => {
    expect(fromMinorUnits(123_456, 2)).toBe('1234.56');
    expect(fromMinorUnits(5, 2)).toBe('0.05');
    expect(fromMinorUnits(-5, 2)).toBe('-0.05');
    expect(fromMinorUnits(1500, 0)).toBe('1500');
    expect(() => fromMinorUnits(1.5, 2)).toThrow(/integer/);
  });

  it('knows currencies without cents', () => {
    expect(currencyFractionDigits('JPY')).toBe(0);
    expect(currencyFractionDigits('KWD')).toBe(3);
    expect(currencyFractionDigits('RUB')).toBe(2);
    expect(currencyFractionDigits(null)).toBe(2);
  });
});
