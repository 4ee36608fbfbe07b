/**
 * Legacy CRM methods send every scalar as a string, booleans as `Y`/`N` (or `1`/`0`), datetimes in the
 * portal's offset, empty maps as `[]` and CRM links as `C_123` or `123`. These functions turn them into
 * typed values so nothing above the client sees those quirks. `path` names the field in errors.
 */

/**
 * A field of the portal's answer has an unexpected shape. The message names the field, what was expected and the
 * JavaScript type received, never the value: CRM fields hold names, phones and birthdates, and this message ends up
 * in Temporal failures and logs. It stays retryable (it is not a `Bitrix24Error`): a manager correcting the record
 * in the CRM makes the next attempt succeed.
 */
export class ResponseShapeError extends TypeError {
  constructor(path: string, expected: string, value: unknown) {
    super(`${path}: expected ${expected}, got ${jsType(value)}`);
    this.name = 'ResponseShapeError';
  }
}

/** `typeof`, with arrays and null told apart from objects. */
function jsType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** A portal datetime: the wire string with its offset kept, plus the instant. */
export interface PortalDateTime {
  iso: string;
  epochMs: number;
}

function isBlank(value: unknown): value is null | undefined | '' {
  return value === null || value === undefined || value === '';
}

export function optionalNumber(value: unknown, path: string): number | null {
  if (isBlank(value)) return null;
  const parsed = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed)) throw new ResponseShapeError(path, 'a number', value);
  return parsed;
}

export function optionalInteger(value: unknown, path: string): number | null {
  const parsed = optionalNumber(value, path);
  if (parsed !== null && !Number.isSafeInteger(parsed)) throw new ResponseShapeError(path, 'an integer', value);
  return parsed;
}

export function requiredInteger(value: unknown, path: string): number {
  const parsed = optionalInteger(value, path);
  if (parsed === null) throw new ResponseShapeError(path, 'an integer', value);
  return parsed;
}

export function optionalString(value: unknown, path: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new ResponseShapeError(path, 'a string', value);
}

const TRUE_FLAGS = new Set(['Y', '1', 'TRUE']);
const FALSE_FLAGS = new Set(['N', '0', 'FALSE', '']);

/** `Y`/`N`, `1`/`0`, booleans; missing means false. */
export function flag(value: unknown, path: string): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toUpperCase();
  if (TRUE_FLAGS.has(text)) return true;
  if (FALSE_FLAGS.has(text)) return false;
  throw new ResponseShapeError(path, "a Y/N flag", value);
}

export function toYesNo(value: boolean): 'Y' | 'N' {
  return value ? 'Y' : 'N';
}

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/;

export function optionalDateTime(value: unknown, path: string): PortalDateTime | null {
  if (isBlank(value)) return null;
  if (typeof value !== 'string' || !ISO_DATETIME.test(value)) {
    throw new ResponseShapeError(path, 'an ISO-8601 datetime with offset', value);
  }
  return { iso: value, epochMs: Date.parse(value) };
}

const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;
const LOCALE_DATE = /^(\d{2})\.(\d{2})\.(\d{4})$/;

/**
 * Calendar date `YYYY-MM-DD`. Date fields (BIRTHDATE, CLOSEDATE) come back as a datetime at local
 * midnight with the portal's offset: the date part IS the date — converting through UTC would shift it.
 */
export function optionalDate(value: unknown, path: string): string | null {
  if (isBlank(value)) return null;
  if (typeof value === 'string') {
    const iso = DATE_PREFIX.exec(value);
    if (iso !== null) return `${iso[1]}-${iso[2]}-${iso[3]}`;
    const locale = LOCALE_DATE.exec(value);
    if (locale !== null) return `${locale[3]}-${locale[2]}-${locale[1]}`;
  }
  throw new ResponseShapeError(path, 'a date (YYYY-MM-DD or ISO datetime)', value);
}

const CRM_LINK = /^(?:([A-Z]{1,2}|T[0-9A-F]+)_)?(\d+)$/i;

/**
 * Id from a `crm`-type user-field value. A field bound to one entity type stores the bare id (`"123"`),
 * one bound to several stores `C_123`; both yield 123. A prefix other than `expectedPrefix` is a link
 * to another entity type and yields null.
 */
export function crmLinkId(value: unknown, expectedPrefix: string, path: string): number | null {
  const single = Array.isArray(value) ? value[0] : value;
  if (isBlank(single) || single === false || single === 0 || single === '0') return null;
  const match = CRM_LINK.exec(String(single).trim());
  if (match === null) throw new ResponseShapeError(path, `a CRM link (${expectedPrefix}_123 or 123)`, value);
  if (match[1] !== undefined && match[1].toUpperCase() !== expectedPrefix.toUpperCase()) return null;
  return Number(match[2]);
}

/** PHP serialises an empty associative array as `[]`; a map is a map. */
export function asMap(value: unknown, path: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (Array.isArray(value)) {
    if (value.length === 0) return {};
    throw new ResponseShapeError(path, 'an object', value);
  }
  if (typeof value !== 'object') throw new ResponseShapeError(path, 'an object', value);
  return value as Record<string, unknown>;
}

export function asList(value: unknown, path: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  // A PHP list with non-sequential keys serialises as an object.
  if (typeof value === 'object') return Object.values(value);
  throw new ResponseShapeError(path, 'a list', value);
}

/** User-field values (`UF_*` keys) of a record, untouched apart from the empty-map fix. */
export function userFieldsOf(record: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key.startsWith('UF_')) fields[key] = Array.isArray(value) && value.length === 0 ? null : value;
  }
  return fields;
}
