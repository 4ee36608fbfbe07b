import { RestError } from '../envelope';
import { compareInternal, type FieldKind, fromWire } from './wire-values';

export const PAGE_SIZE = 50;

/** Value lookup for filtering/ordering: internal values, multifields as their list of VALUEs. */
export interface FilterTarget<R> {
  kindOf(field: string): FieldKind | undefined;
  valueOf(record: R, field: string): unknown;
  timeZone: string;
}

type Operator = '>=' | '>' | '<=' | '<' | '@' | '!@' | '%' | '=%' | '%=' | '=' | '!=' | '!';

const OPERATORS: Operator[] = ['>=', '<=', '!@', '!=', '=%', '%=', '>', '<', '@', '%', '=', '!'];

function splitKey(key: string): { op: Operator; field: string } {
  for (const op of OPERATORS) if (key.startsWith(op)) return { op, field: key.slice(op.length).toUpperCase() };
  return { op: '=', field: key.toUpperCase() };
}

function asList(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (raw && typeof raw === 'object') return Object.values(raw);
  return [raw];
}

function likeMatches(actual: unknown, pattern: string, explicitWildcards: boolean): boolean {
  if (actual === null || actual === undefined) return false;
  const text = String(actual).toLowerCase();
  if (!explicitWildcards) return text.includes(pattern.toLowerCase());
  const regex = new RegExp(`^${pattern.toLowerCase().split('%').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(text);
}

/** The portal stores datetimes to the second: a change at 12:00:00.700 is not after a `>` bound of 12:00:00. */
function toWholeSecond(epochMs: unknown): unknown {
  return typeof epochMs === 'number' ? Math.floor(epochMs / 1000) * 1000 : epochMs;
}

function buildPredicate<R>(target: FilterTarget<R>, key: string, raw: unknown): (record: R) => boolean {
  const { op, field } = splitKey(key);
  const kind = target.kindOf(field);
  if (!kind) return () => true; // legacy list methods ignore unknown filter fields
  const parse = (v: unknown): unknown => (kind === 'multifield' ? String(v) : fromWire(kind, v, field, target.timeZone));
  const values = (record: R): unknown[] => {
    const v = target.valueOf(record, field);
    const list = Array.isArray(v) ? v : [v];
    return kind === 'datetime' ? list.map(toWholeSecond) : list;
  };
  const equalsAny = (record: R, expected: unknown[]): boolean =>
    values(record).some((actual) => expected.some((e) => compareInternal(actual, e) === 0));
  switch (op) {
    case '@':
    case '!@': {
      const expected = asList(raw).map(parse);
      return op === '@' ? (r) => equalsAny(r, expected) : (r) => !equalsAny(r, expected);
    }
    case '%':
    case '=%':
    case '%=':
      return (r) => values(r).some((actual) => likeMatches(actual, String(raw), op !== '%'));
    case '!':
    case '!=': {
      const expected = [parse(raw)];
      return (r) => !equalsAny(r, expected);
    }
    case '=': {
      if (Array.isArray(raw)) {
        const expected = raw.map(parse);
        return (r) => equalsAny(r, expected);
      }
      const expected = [parse(raw)];
      return (r) => equalsAny(r, expected);
    }
    default: {
      const bound = parse(raw);
      const test = { '>=': (c: number) => c >= 0, '>': (c: number) => c > 0, '<=': (c: number) => c <= 0, '<': (c: number) => c < 0 }[op];
      return (r) => values(r).some((actual) => actual !== null && actual !== undefined && test(compareInternal(actual, bound)));
    }
  }
}

export function applyFilter<R>(target: FilterTarget<R>, records: R[], filter: unknown): R[] {
  if (!filter || typeof filter !== 'object') return records;
  const predicates = Object.entries(filter as Record<string, unknown>).map(([key, raw]) => buildPredicate(target, key, raw));
  return records.filter((r) => predicates.every((p) => p(r)));
}

export function applyOrder<R>(target: FilterTarget<R>, records: R[], order: unknown): R[] {
  const entries = order && typeof order === 'object' ? Object.entries(order as Record<string, unknown>) : [];
  const keys = entries
    .map(([field, dir]) => ({ field: field.toUpperCase(), desc: String(dir).toUpperCase() === 'DESC' }))
    .filter((k) => target.kindOf(k.field));
  return [...records].sort((a, b) => {
    for (const { field, desc } of keys) {
      const c = compareInternal(target.valueOf(a, field), target.valueOf(b, field));
      if (c !== 0) return desc ? -c : c;
    }
    return compareInternal(target.valueOf(a, 'ID'), target.valueOf(b, 'ID'));
  });
}

export interface Page<R> {
  rows: R[];
  total: number;
  next?: number;
}

/** Fixed pages of 50; `start=-1` skips the count: `total` 0 and never a `next`. */
export function paginate<R>(records: R[], startRaw: unknown): Page<R> {
  const start = startRaw === undefined || startRaw === null || startRaw === '' ? 0 : Number(startRaw);
  if (!Number.isInteger(start) || start < -1) throw new RestError(400, 'INVALID_ARG_VALUE', `start: "${String(startRaw)}" is not a valid offset`);
  if (start === -1) return { rows: records.slice(0, PAGE_SIZE), total: 0 };
  const rows = records.slice(start, start + PAGE_SIZE);
  const page: Page<R> = { rows, total: records.length };
  if (start + PAGE_SIZE < records.length) page.next = start + PAGE_SIZE;
  return page;
}

export interface Selection {
  allStandard: boolean;
  allUf: boolean;
  names: Set<string>;
}

/** `*` = standard non-multiple fields, `UF_*` = user fields, multifields only when named; empty = `*` + `UF_*`. */
export function parseSelect(select: unknown): Selection {
  const list = asList(select ?? []).filter((v): v is string => typeof v === 'string' && v !== '').map((v) => v.toUpperCase());
  if (list.length === 0) return { allStandard: true, allUf: true, names: new Set() };
  return { allStandard: list.includes('*'), allUf: list.includes('UF_*'), names: new Set(list.filter((v) => v !== '*' && v !== 'UF_*')) };
}
