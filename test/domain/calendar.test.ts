import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addLocalDays,
  birthdayWindow,
  type BirthdayWindowOptions,
  CalendarError,
  endOfLocalDay,
  isInBirthdayWindow,
  localDate,
  lotExpiry,
  nextCalendarReset,
  startOfLocalDay,
} from '../../src/domain/calendar';

/** Expected instants are written with explicit offsets, independent of the time-zone library under test. */
const at = (isoWithOffset: string): number => {
  const ms = Date.parse(isoWithOffset);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${isoWithOffset}`);
  return ms;
};
const HOUR = 3_600_000;

const week = (birthdate: string, timeZone: string, feb29: 'feb28' | 'mar1' = 'feb28'): BirthdayWindowOptions => ({
  birthdate,
  daysBefore: 7,
  daysAfter: 7,
  timeZone,
  feb29,
});

describe('localDate / addDays / addLocalDays / local day bounds', () => {
  it('reads the local date of an instant in its own zone', () => {
    const instant = at('2026-12-31T22:00:00Z');
    expect(localDate(instant, 'Europe/Moscow')).toBe('2027-01-01');
    expect(localDate(instant, 'America/New_York')).toBe('2026-12-31');
  });

  it('adds calendar days across month, leap-day and year boundaries', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-02', -7)).toBe('2026-12-26');
    expect(() => addDays('2027-02-29', 1)).toThrow(/date "2027-02-29"/);
  });

  it('keeps the local wall-clock time when adding days over a DST change', () => {
    const saturdayNoon = at('2027-03-27T12:00:00+01:00');
    expect(addLocalDays(saturdayNoon, 1, 'Europe/Berlin')).toBe(at('2027-03-28T12:00:00+02:00'));
    expect(addLocalDays(saturdayNoon, 1, 'Europe/Berlin') - saturdayNoon).toBe(23 * HOUR);
  });

  it('bounds local days by local midnights, 23 h and 25 h long around DST changes', () => {
    expect(startOfLocalDay('2027-03-28', 'Europe/Berlin')).toBe(at('2027-03-28T00:00:00+01:00'));
    expect(endOfLocalDay('2027-03-28', 'Europe/Berlin') - startOfLocalDay('2027-03-28', 'Europe/Berlin')).toBe(23 * HOUR);
    expect(endOfLocalDay('2027-11-07', 'America/New_York') - startOfLocalDay('2027-11-07', 'America/New_York')).toBe(25 * HOUR);
  });

  it('starts a day whose midnight does not exist at its first existing instant (America/Santiago, 11 Sep 2022)', () => {
    expect(startOfLocalDay('2022-09-11', 'America/Santiago')).toBe(at('2022-09-11T01:00:00-03:00'));
    expect(endOfLocalDay('2022-09-10', 'America/Santiago')).toBe(at('2022-09-11T01:00:00-03:00'));
  });

  it('rejects unknown zones and non-integer instants by name', () => {
    expect(() => localDate(0, 'Mars/Olympus')).toThrow(/timeZone "Mars\/Olympus"/);
    expect(() => localDate(1.5, 'UTC')).toThrow(/instant: expected epoch milliseconds/);
    expect(() => addLocalDays(0, 0.5, 'UTC')).toThrow(CalendarError);
  });
});

describe('lotExpiry', () => {
  it('expires at the end of the local day 365 days after the accrual date, whatever the time of accrual', () => {
    const expected = at('2027-03-11T00:00:00+03:00');
    expect(lotExpiry(at('2026-03-10T00:00:00+03:00'), 365, 'Europe/Moscow')).toBe(expected);
    expect(lotExpiry(at('2026-03-10T23:59:59.999+03:00'), 365, 'Europe/Moscow')).toBe(expected);
  });

  it('counts calendar days through a leap year and uses the local, not the UTC, accrual date', () => {
    expect(lotExpiry(at('2027-03-10T12:00:00+03:00'), 365, 'Europe/Moscow')).toBe(at('2028-03-10T00:00:00+03:00'));
    // 22:30 UTC on 10 March is already 11 March in Moscow.
    expect(lotExpiry(at('2026-03-10T22:30:00Z'), 365, 'Europe/Moscow')).toBe(at('2027-03-12T00:00:00+03:00'));
  });

  it('ends at local midnight after a DST change and zero days means end of the accrual day', () => {
    expect(lotExpiry(at('2027-03-27T12:00:00+01:00'), 1, 'Europe/Berlin')).toBe(at('2027-03-29T00:00:00+02:00'));
    expect(lotExpiry(at('2027-03-27T12:00:00+01:00'), 0, 'Europe/Berlin')).toBe(at('2027-03-28T00:00:00+01:00'));
    expect(() => lotExpiry(0, -1, 'UTC')).toThrow(/lot lifetime days/);
  });
});

describe('nextCalendarReset', () => {
  const yearEnd = (timeZone: string) => ({ month: 12, day: 31, timeZone });

  it('resets at local midnight starting 1 January in Europe/Moscow, strictly after the given instant', () => {
    const newYear2027 = at('2027-01-01T00:00:00+03:00');
    expect(nextCalendarReset(yearEnd('Europe/Moscow'), at('2026-06-15T12:00:00+03:00'))).toBe(newYear2027);
    expect(nextCalendarReset(yearEnd('Europe/Moscow'), newYear2027 - 1)).toBe(newYear2027);
    expect(nextCalendarReset(yearEnd('Europe/Moscow'), newYear2027)).toBe(at('2028-01-01T00:00:00+03:00'));
  });

  it('uses the local year in America/New_York even when UTC is already in the next year', () => {
    const lateNewYearsEve = at('2026-12-31T23:00:00-05:00');
    expect(localDate(lateNewYearsEve, 'UTC')).toBe('2027-01-01');
    expect(nextCalendarReset(yearEnd('America/New_York'), lateNewYearsEve)).toBe(at('2027-01-01T00:00:00-05:00'));
  });

  it('supports other days and refuses days that do not exist every year', () => {
    expect(nextCalendarReset({ month: 3, day: 31, timeZone: 'America/New_York' }, at('2027-04-01T08:00:00-04:00'))).toBe(
      at('2028-04-01T00:00:00-04:00'),
    );
    const resetInstant = at('2027-04-01T00:00:00-04:00');
    expect(nextCalendarReset({ month: 3, day: 31, timeZone: 'America/New_York' }, resetInstant - 1)).toBe(resetInstant);
    expect(nextCalendarReset({ month: 3, day: 31, timeZone: 'America/New_York' }, resetInstant)).toBe(at('2028-04-01T00:00:00-04:00'));
    expect(() => nextCalendarReset({ month: 2, day: 29, timeZone: 'UTC' }, 0)).toThrow(/reset day 2\/29/);
    expect(() => nextCalendarReset({ month: 13, day: 1, timeZone: 'UTC' }, 0)).toThrow(/reset day 13\/1/);
  });
});

describe('birthdayWindow', () => {
  it('covers whole local days a week either side; a 23 h DST day does not shift it (Europe/Berlin)', () => {
    const options = week('1985-03-28', 'Europe/Berlin');
    const window = birthdayWindow(options, at('2027-03-01T12:00:00+01:00'));
    expect(window).toEqual({
      start: at('2027-03-21T00:00:00+01:00'),
      end: at('2027-04-05T00:00:00+02:00'),
      birthday: '2027-03-28',
      year: 2027,
    });
    expect(window.end - window.start).toBe(15 * 24 * HOUR - HOUR);
    expect(isInBirthdayWindow(options, window.start - 1)).toBe(false);
    expect(isInBirthdayWindow(options, window.start)).toBe(true);
    expect(isInBirthdayWindow(options, window.end - 1)).toBe(true);
    expect(isInBirthdayWindow(options, window.end)).toBe(false);
  });

  it('covers whole local days over the autumn change in America/New_York (25 h day)', () => {
    const window = birthdayWindow(week('1970-11-07', 'America/New_York'), at('2027-11-07T01:30:00-05:00'));
    expect(window.start).toBe(at('2027-10-31T00:00:00-04:00'));
    expect(window.end).toBe(at('2027-11-15T00:00:00-05:00'));
    expect(window.end - window.start).toBe(15 * 24 * HOUR + HOUR);
  });

  it('handles the spring change in America/New_York', () => {
    const window = birthdayWindow(week('1970-03-14', 'America/New_York'), at('2027-03-14T03:30:00-04:00'));
    expect([window.start, window.end]).toEqual([at('2027-03-07T00:00:00-05:00'), at('2027-03-22T00:00:00-04:00')]);
  });

  it('finds a window that starts in the previous December when asked in late December', () => {
    const options = week('1990-01-02', 'Europe/Moscow');
    const window = birthdayWindow(options, at('2026-12-28T10:00:00+03:00'));
    expect(window).toEqual({ start: at('2026-12-26T00:00:00+03:00'), end: at('2027-01-10T00:00:00+03:00'), birthday: '2027-01-02', year: 2027 });
    expect(isInBirthdayWindow(options, at('2026-12-28T10:00:00+03:00'))).toBe(true);
    expect(isInBirthdayWindow(options, at('2026-12-25T23:59:59+03:00'))).toBe(false);
    expect(birthdayWindow(options, at('2026-12-25T23:59:59+03:00'))).toEqual(window);
    expect(birthdayWindow(options, window.end).birthday).toBe('2028-01-02');
  });

  it('keeps last year\'s window current in early January for a late-December birthday', () => {
    const window = birthdayWindow(week('1990-12-30', 'Europe/Moscow'), at('2027-01-05T09:00:00+03:00'));
    expect(window).toEqual({ start: at('2026-12-23T00:00:00+03:00'), end: at('2027-01-07T00:00:00+03:00'), birthday: '2026-12-30', year: 2026 });
  });

  it('moves 29 February to 28 February or 1 March in non-leap years per policy, and keeps it in leap years', () => {
    const asked = at('2027-01-15T12:00:00+03:00');
    const onFeb28 = birthdayWindow(week('2000-02-29', 'Europe/Moscow', 'feb28'), asked);
    expect(onFeb28).toEqual({ start: at('2027-02-21T00:00:00+03:00'), end: at('2027-03-08T00:00:00+03:00'), birthday: '2027-02-28', year: 2027 });
    const onMar1 = birthdayWindow(week('2000-02-29', 'Europe/Moscow', 'mar1'), asked);
    expect(onMar1).toEqual({ start: at('2027-02-22T00:00:00+03:00'), end: at('2027-03-09T00:00:00+03:00'), birthday: '2027-03-01', year: 2027 });
    for (const feb29 of ['feb28', 'mar1'] as const) {
      const leap = birthdayWindow(week('2000-02-29', 'Europe/Moscow', feb29), at('2028-01-15T12:00:00+03:00'));
      expect(leap).toEqual({ start: at('2028-02-22T00:00:00+03:00'), end: at('2028-03-08T00:00:00+03:00'), birthday: '2028-02-29', year: 2028 });
    }
  });

  it('moves 29 February per policy and still counts whole local days when the window spans a DST change (America/New_York, 2026)', () => {
    const asked = at('2026-02-01T12:00:00-05:00');
    const onMar1 = birthdayWindow(week('2000-02-29', 'America/New_York', 'mar1'), asked);
    // Clocks went forward on 8 March 2026, inside the window.
    expect(onMar1).toEqual({ start: at('2026-02-22T00:00:00-05:00'), end: at('2026-03-09T00:00:00-04:00'), birthday: '2026-03-01', year: 2026 });
    expect(onMar1.end - onMar1.start).toBe(15 * 24 * HOUR - HOUR);
    const onFeb28 = birthdayWindow(week('2000-02-29', 'America/New_York', 'feb28'), asked);
    expect(onFeb28).toEqual({ start: at('2026-02-21T00:00:00-05:00'), end: at('2026-03-08T00:00:00-05:00'), birthday: '2026-02-28', year: 2026 });
    expect(onFeb28.end - onFeb28.start).toBe(15 * 24 * HOUR);
  });

  it('rejects impossible dates, overlapping windows, unknown policies and zones', () => {
    const base = week('1990-05-05', 'Europe/Moscow');
    expect(() => birthdayWindow({ ...base, birthdate: '1990-02-30' }, 0)).toThrow(/birthdate "1990-02-30"/);
    expect(() => birthdayWindow({ ...base, daysBefore: 200, daysAfter: 165 }, 0)).toThrow(/below 365, got 365/);
    expect(() => birthdayWindow({ ...base, daysBefore: -1 }, 0)).toThrow(/daysBefore/);
    expect(() => birthdayWindow({ ...base, feb29: 'mar2' as 'mar1' }, 0)).toThrow(/feb29/);
    expect(() => birthdayWindow({ ...base, timeZone: 'Moscow' }, 0)).toThrow(/timeZone "Moscow"/);
  });

  it('is the window containing the instant or else the next one, made of whole local days', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Europe/Moscow', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2010-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 120 }),
        fc.constantFrom(...zones),
        fc.constantFrom('feb28' as const, 'mar1' as const),
        (born, instant, daysBefore, daysAfter, timeZone, feb29) => {
          const options = { birthdate: born.toISOString().slice(0, 10), daysBefore, daysAfter, timeZone, feb29 };
          const window = birthdayWindow(options, instant);
          expect(window.end).toBeGreaterThan(instant);
          expect(localDate(window.start, timeZone)).toBe(addDays(window.birthday, -daysBefore));
          expect(localDate(window.start - 1, timeZone)).toBe(addDays(window.birthday, -daysBefore - 1));
          expect(localDate(window.end - 1, timeZone)).toBe(addDays(window.birthday, daysAfter));
          expect(localDate(window.end, timeZone)).toBe(addDays(window.birthday, daysAfter + 1));
          expect(birthdayWindow(options, window.start)).toEqual(window);
          expect(birthdayWindow(options, window.end - 1)).toEqual(window);
          expect(birthdayWindow(options, window.end).year).toBe(window.year + 1);
          expect(isInBirthdayWindow(options, instant)).toBe(window.start <= instant);
        },
      ),
      { numRuns: 300 },
    );
  });
});
