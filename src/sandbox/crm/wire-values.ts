import { DateTime } from 'luxon';
import { formatPortalDateTime } from '../envelope';
import { formatMinor, parseMinor } from '../money';

/** How a field's value is held internally and printed by the legacy (all-strings) CRM methods. */
export type FieldKind = 'integer' | 'number' | 'string' | 'char' | 'money' | 'date' | 'datetime' | 'multifield';

export class FieldValueError extends Error {}

export function toLegacyWire(kind: FieldKind, value: unknown, timeZone: string): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => toLegacyWire(kind, v, timeZone));
  switch (kind) {
    case 'money':
      return formatMinor(value as number);
    case 'date':
      return DateTime.fromISO(value as string, { zone: timeZone }).toISO({ suppressMilliseconds: true }) ?? null;
    case 'datetime':
      return formatPortalDateTime(value as number, timeZone);
    default:
      return String(value);
  }
}

/** Parses a value as the portal accepts it on input; throws FieldValueError naming the problem. */
export function fromWire(kind: FieldKind, raw: unknown, field: string, timeZone: string): unknown {
  if (raw === null || raw === undefined || raw === '') return kind === 'char' ? 'N' : null;
  switch (kind) {
    case 'integer': {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new FieldValueError(`${field}: "${String(raw)}" is not an integer`);
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new FieldValueError(`${field}: "${String(raw)}" is not a number`);
      return n;
    }
    case 'money': {
      const minor = parseMinor(raw);
      if (minor === undefined) throw new FieldValueError(`${field}: "${String(raw)}" is not a decimal amount`);
      return minor;
    }
    case 'char':
      return raw === true || raw === 'Y' || raw === 'y' || raw === 1 || raw === '1' ? 'Y' : 'N';
    case 'date':
      return parseDate(raw, field, timeZone);
    case 'datetime':
      return parseDateTime(raw, field, timeZone);
    default:
      return String(raw);
  }
}

/** Date inputs: `YYYY-MM-DD`, an ISO datetime (its own local date is kept), or the locale form `DD.MM.YYYY`. */
function parseDate(raw: unknown, field: string, timeZone: string): string {
  const text = String(raw).trim();
  const dotted = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text);
  if (dotted) return `${dotted[3]}-${dotted[2]}-${dotted[1]}`;
  const parsed = DateTime.fromISO(text, { setZone: true, zone: timeZone });
  if (!parsed.isValid) throw new FieldValueError(`${field}: "${text}" is not a date`);
  return parsed.toISODate() ?? text;
}

function parseDateTime(raw: unknown, field: string, timeZone: string): number {
  const text = String(raw).trim();
  const dotted = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  const parsed = dotted
    ? DateTime.fromObject(
        { year: +dotted[3]!, month: +dotted[2]!, day: +dotted[1]!, hour: +(dotted[4] ?? 0), minute: +(dotted[5] ?? 0), second: +(dotted[6] ?? 0) },
        { zone: timeZone },
      )
    : DateTime.fromISO(text, { zone: timeZone });
  if (!parsed.isValid) throw new FieldValueError(`${field}: "${text}" is not a datetime`);
  return parsed.toMillis();
}

/** Ordering/comparison on internal values; dates compare as ISO strings, the rest numerically or as text. */
export function compareInternal(a: unknown, b: unknown): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}
