/**
 * Calendar maths in explicit IANA time zones. Instants are epoch milliseconds; dates are 'YYYY-MM-DD' strings.
 *
 *   localDate(instant, timeZone)                    → the local calendar date of an instant
 *   addDays(date, days)                             → pure calendar arithmetic on dates
 *   addLocalDays(instant, days, timeZone)           → same local wall-clock time `days` local days later (DST-safe)
 *   startOfLocalDay(date, timeZone)                 → instant of local midnight starting `date`
 *   endOfLocalDay(date, timeZone)                   → instant of local midnight ending `date` (= start of the next day)
 *   lotExpiry(accruedAt, days, timeZone)            → end of the local day `days` days after the accrual's local date
 *   nextCalendarReset({month, day, timeZone}, at)   → end of that local day, strictly after `at`
 *   birthdayWindow(options, at) / isInBirthdayWindow(options, at)
 *
 * Days are whole local days: a day spanning a DST change lasts 23 or 25 hours, and windows are built from local
 * midnights, never from multiples of 24 h. Where a zone skips midnight, the day starts at the first instant that exists.
 */
import { DateTime, IANAZone } from 'luxon';

export type Instant = number;
/** A calendar date 'YYYY-MM-DD' with no time zone attached. */
export type CalendarDate = string;

export class CalendarError extends RangeError {
  override name = 'CalendarError';
}

function assertTimeZone(timeZone: string): void {
  if (typeof timeZone !== 'string' || !IANAZone.isValidZone(timeZone)) {
    throw new CalendarError(`timeZone "${String(timeZone)}": not a known IANA time zone such as Europe/Moscow`);
  }
}

function assertInstant(instant: Instant, path: string): void {
  if (!Number.isSafeInteger(instant)) throw new CalendarError(`${path}: expected epoch milliseconds as an integer, got ${String(instant)}`);
}

function assertDayCount(days: number, path: string): void {
  if (!Number.isSafeInteger(days) || days < 0) throw new CalendarError(`${path}: expected a non-negative whole number of days, got ${String(days)}`);
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A date at midnight UTC: calendar arithmetic with no DST in the way. */
function utcDate(date: CalendarDate, path: string): DateTime {
  const parsed = DATE_PATTERN.test(date) ? DateTime.fromISO(date, { zone: 'UTC' }) : undefined;
  if (!parsed?.isValid) throw new CalendarError(`${path} "${String(date)}": expected an existing calendar date YYYY-MM-DD`);
  return parsed;
}

function isoDate(dateTime: DateTime): CalendarDate {
  return dateTime.toFormat('yyyy-MM-dd');
}

export function localDate(instant: Instant, timeZone: string): CalendarDate {
  assertInstant(instant, 'instant');
  assertTimeZone(timeZone);
  return isoDate(DateTime.fromMillis(instant, { zone: timeZone }));
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  if (!Number.isSafeInteger(days)) throw new CalendarError(`days: expected a whole number, got ${String(days)}`);
  return isoDate(utcDate(date, 'date').plus({ days }));
}

export function addLocalDays(instant: Instant, days: number, timeZone: string): Instant {
  assertInstant(instant, 'instant');
  assertTimeZone(timeZone);
  if (!Number.isSafeInteger(days)) throw new CalendarError(`days: expected a whole number, got ${String(days)}`);
  return DateTime.fromMillis(instant, { zone: timeZone }).plus({ days }).toMillis();
}

export function startOfLocalDay(date: CalendarDate, timeZone: string): Instant {
  assertTimeZone(timeZone);
  const day = utcDate(date, 'date');
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day }, { zone: timeZone }).toMillis();
}

export function endOfLocalDay(date: CalendarDate, timeZone: string): Instant {
  return startOfLocalDay(addDays(date, 1), timeZone);
}

/**
 * A lot accrued at any time on local date D with a lifetime of N days stays spendable through the whole local day
 * D + N and expires at its end: accrued on 10 March 2026 (09:00 or 23:59 alike) with 365 days → spendable through
 * 10 March 2027, expires at 11 March 2027 00:00 local. N = 0 expires at the end of the accrual day.
 */
export function lotExpiry(accruedAt: Instant, days: number, timeZone: string): Instant {
  assertDayCount(days, 'lot lifetime days');
  return endOfLocalDay(addDays(localDate(accruedAt, timeZone), days), timeZone);
}

export interface AnnualDay {
  month: number;
  day: number;
  timeZone: string;
}

/** The end of the local day month/day (= midnight starting the next day) strictly after `at`. 29 Feb is refused. */
export function nextCalendarReset(resetDay: AnnualDay, at: Instant): Instant {
  const { month, day, timeZone } = resetDay;
  const inNonLeapYear = DateTime.fromObject({ year: 2027, month, day }, { zone: 'UTC' });
  if (!Number.isInteger(month) || !Number.isInteger(day) || !inNonLeapYear.isValid) {
    throw new CalendarError(`reset day ${String(month)}/${String(day)}: expected a month/day that exists every year (not 29 February)`);
  }
  const year = Number(localDate(at, timeZone).slice(0, 4));
  const resetIn = (y: number) => endOfLocalDay(isoDate(DateTime.fromObject({ year: y, month, day }, { zone: 'UTC' })), timeZone);
  const thisYear = resetIn(year);
  return thisYear > at ? thisYear : resetIn(year + 1);
}

/** Where 29 February birthdays fall in non-leap years. */
export type Feb29Policy = 'feb28' | 'mar1';

export interface BirthdayWindowOptions {
  /** 'YYYY-MM-DD'; the year is only used to validate the date. */
  birthdate: CalendarDate;
  daysBefore: number;
  daysAfter: number;
  timeZone: string;
  feb29: Feb29Policy;
}

export interface BirthdayWindow {
  /** Local midnight starting birthday − daysBefore. */
  start: Instant;
  /** Local midnight ending birthday + daysAfter (exclusive). */
  end: Instant;
  /** The birthday as celebrated that year (29 Feb moved per policy in non-leap years). */
  birthday: CalendarDate;
  year: number;
}

function birthdayIn(year: number, month: number, day: number, feb29: Feb29Policy): CalendarDate {
  const exact = DateTime.fromObject({ year, month, day }, { zone: 'UTC' });
  if (exact.isValid) return isoDate(exact);
  return feb29 === 'feb28' ? `${year}-02-28` : `${year}-03-01`;
}

function validateWindowOptions(options: BirthdayWindowOptions): DateTime {
  const born = utcDate(options.birthdate, 'birthdate');
  assertDayCount(options.daysBefore, 'daysBefore');
  assertDayCount(options.daysAfter, 'daysAfter');
  // Two consecutive birthdays can be only 365 days apart; longer windows would overlap and "the current one" is ambiguous.
  if (options.daysBefore + options.daysAfter >= 365) {
    throw new CalendarError(`birthday window: daysBefore + daysAfter must be below 365, got ${options.daysBefore + options.daysAfter}`);
  }
  if (options.feb29 !== 'feb28' && options.feb29 !== 'mar1') {
    throw new CalendarError(`feb29: expected "feb28" or "mar1", got "${String(options.feb29)}"`);
  }
  assertTimeZone(options.timeZone);
  return born;
}

/**
 * The birthday window relevant at `at`: the one containing it, otherwise the next one. Windows are whole local days:
 * [midnight of birthday − daysBefore, midnight after birthday + daysAfter). A window may start in the previous year
 * (birthday 2 January, 7 days before → from 26 December), so last year's, this year's and next year's are checked.
 */
export function birthdayWindow(options: BirthdayWindowOptions, at: Instant): BirthdayWindow {
  const born = validateWindowOptions(options);
  const { daysBefore, daysAfter, timeZone, feb29 } = options;
  const localYear = Number(localDate(at, timeZone).slice(0, 4));
  const windowIn = (year: number): BirthdayWindow => {
    const birthday = birthdayIn(year, born.month, born.day, feb29);
    const start = startOfLocalDay(addDays(birthday, -daysBefore), timeZone);
    return { start, end: endOfLocalDay(addDays(birthday, daysAfter), timeZone), birthday, year };
  };
  // Next year's window always ends after `at` (it ends on or after 1 January of next year).
  return [windowIn(localYear - 1), windowIn(localYear)].find((window) => window.end > at) ?? windowIn(localYear + 1);
}

export function isInBirthdayWindow(options: BirthdayWindowOptions, at: Instant): boolean {
  const window = birthdayWindow(options, at);
  return window.start <= at && at < window.end;
}
