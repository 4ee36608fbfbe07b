import { legacyError } from '../envelope';
import { type EntityRecord, type PortalState, type UserField } from '../state/store';
import { type FieldSpec, findSpec } from './field-specs';
import { parseUfValue, ufKind, ufToLegacyWire, userFieldsOf, type UfEntity } from './userfields';
import { type FieldKind, FieldValueError, fromWire, toLegacyWire } from './wire-values';

/** The standard fields plus the user fields of one CRM entity type. */
export interface EntitySchema {
  specs: FieldSpec[];
  ufEntity: UfEntity;
}

export function ufByName(state: PortalState, schema: EntitySchema, name: string): UserField | undefined {
  return userFieldsOf(state, schema.ufEntity).find((f) => f.fieldName === name);
}

export function kindOf(state: PortalState, schema: EntitySchema, name: string): FieldKind | undefined {
  const standard = findSpec(schema.specs, name);
  if (standard) return standard.kind;
  const uf = ufByName(state, schema, name);
  return uf ? ufKind(uf) : undefined;
}

/**
 * Writes the writable standard fields and user fields found in `input` (unknown fields are silently ignored,
 * as the portal does). Returns the names whose stored value actually changed.
 */
export function applyWireFields(
  state: PortalState,
  schema: EntitySchema,
  record: EntityRecord,
  input: Record<string, unknown>,
  timeZone: string,
  skip: ReadonlySet<string>,
): string[] {
  const changed: string[] = [];
  try {
    for (const [rawKey, raw] of Object.entries(input)) {
      const key = rawKey.toUpperCase();
      if (skip.has(key)) continue;
      const spec = findSpec(schema.specs, key);
      if (spec && !spec.readOnly && spec.kind !== 'multifield' && !spec.writeOnly) {
        const value = fromWire(spec.kind, raw, key, timeZone);
        if (!sameValue(record.fields[key], value)) changed.push(key);
        record.fields[key] = value;
        continue;
      }
      const uf = ufByName(state, schema, key);
      if (uf) {
        const value = parseUfValue(uf, raw, timeZone);
        if (!sameValue(record.uf[key] ?? (uf.multiple === 'Y' ? [] : null), value)) changed.push(key);
        record.uf[key] = value;
      }
    }
  } catch (error) {
    if (error instanceof FieldValueError) throw legacyError(error.message);
    throw error;
  }
  return changed;
}

/** A new entity gets each user field's scalar SETTINGS.DEFAULT_VALUE unless the caller set the field. */
export function applyUfDefaults(state: PortalState, schema: EntitySchema, record: EntityRecord, timeZone: string): void {
  for (const uf of userFieldsOf(state, schema.ufEntity)) {
    const fallback = uf.settings.DEFAULT_VALUE;
    if (uf.fieldName in record.uf || fallback === undefined || fallback === null || fallback === '' || typeof fallback === 'object') continue;
    record.uf[uf.fieldName] = parseUfValue(uf, fallback, timeZone);
  }
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export function standardToWire(schema: EntitySchema, record: EntityRecord, timeZone: string, names?: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of schema.specs) {
    if (spec.writeOnly || spec.kind === 'multifield') continue;
    if (names && !names.has(spec.name)) continue;
    out[spec.name] = toLegacyWire(spec.kind, record.fields[spec.name], timeZone);
  }
  return out;
}

export function ufToWire(state: PortalState, schema: EntitySchema, record: EntityRecord, timeZone: string, names?: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const uf of userFieldsOf(state, schema.ufEntity)) {
    if (names && !names.has(uf.fieldName)) continue;
    out[uf.fieldName] = ufToLegacyWire(uf, record.uf[uf.fieldName], timeZone);
  }
  return out;
}
