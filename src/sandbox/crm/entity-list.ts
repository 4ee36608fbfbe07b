import { legacyError } from '../envelope';
import { type EntityRecord, type PortalState } from '../state/store';
import { type EntitySchema, kindOf, standardToWire, ufToWire } from './entity-schema';
import { applyFilter, applyOrder, paginate, parseSelect, type FilterTarget, type Selection } from './filters';

export function parseEntityId(raw: unknown): number {
  const id = Number(raw);
  if (raw === undefined || raw === null || raw === '' || !Number.isInteger(id) || id <= 0) throw legacyError('ID is not defined or invalid.');
  return id;
}

export function requireFieldsObject(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw legacyError("Parameter 'fields' must be array.");
  return raw as Record<string, unknown>;
}

/** Renders the selected standard and user fields; ID is always present. */
export function renderSelected(
  state: PortalState,
  schema: EntitySchema,
  record: EntityRecord,
  selection: Selection,
  timeZone: string,
): Record<string, unknown> {
  const standardNames = selection.allStandard ? undefined : new Set([...selection.names, 'ID']);
  const ufNames = selection.allUf ? undefined : selection.names;
  return { ...standardToWire(schema, record, timeZone, standardNames), ...ufToWire(state, schema, record, timeZone, ufNames) };
}

export function filterTarget<R extends EntityRecord>(
  state: PortalState,
  schema: EntitySchema,
  timeZone: string,
  extraValue?: (record: R, field: string) => unknown,
): FilterTarget<R> {
  return {
    timeZone,
    kindOf: (field) => kindOf(state, schema, field),
    valueOf: (record, field) => {
      const extra = extraValue?.(record, field);
      if (extra !== undefined) return extra;
      return field in record.fields ? record.fields[field] : record.uf[field];
    },
  };
}

export interface ListParams {
  filter?: unknown;
  order?: unknown;
  select?: unknown;
  start?: unknown;
}

export function listEntities<R extends EntityRecord>(
  records: R[],
  target: FilterTarget<R>,
  params: ListParams,
  render: (record: R, selection: Selection) => Record<string, unknown>,
): { result: Record<string, unknown>[]; total: number; next?: number } {
  const selection = parseSelect(params.select);
  const page = paginate(applyOrder(target, applyFilter(target, records, params.filter), params.order), params.start);
  return { result: page.rows.map((r) => render(r, selection)), total: page.total, next: page.next };
}
