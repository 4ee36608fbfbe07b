import { coreError } from '../envelope';
import { allocateId, type PortalState, type UserField } from '../state/store';
import { type FieldKind, FieldValueError, fromWire, toLegacyWire } from './wire-values';

export type UfEntity = 'CRM_DEAL' | 'CRM_CONTACT';

const PREFIX = 'UF_CRM_';
const MAX_NAME_LENGTH = 50;
const USER_TYPES = new Set([
  'string', 'integer', 'double', 'boolean', 'date', 'datetime', 'money', 'url', 'address', 'enumeration', 'file',
  'employee', 'crm_status', 'iblock_section', 'iblock_element', 'crm',
]);
const CRM_LINK_ABBR: Record<string, string> = { LEAD: 'L', CONTACT: 'C', COMPANY: 'CO', DEAL: 'D' };

/** `loyalty_points` → `UF_CRM_LOYALTY_POINTS`; `UF_X` → `UF_CRM_X`; `UF_CRM_X` unchanged. */
export function normaliseFieldName(raw: string): string {
  const upper = raw.trim().toUpperCase();
  if (upper.startsWith(PREFIX)) return upper;
  if (upper.startsWith('UF_')) return PREFIX + upper.slice(3);
  return PREFIX + upper;
}

function validateFieldName(name: string): void {
  if (name.length > MAX_NAME_LENGTH)
    throw coreError(`Field name is too long: "${name}" has ${name.length} characters, at most ${MAX_NAME_LENGTH} are allowed including the UF_CRM_ prefix`);
  if (!/^UF_CRM_[A-Z0-9_]+$/.test(name))
    throw coreError(`Field name "${name}" contains invalid characters: only A-Z, 0-9 and _ are allowed`);
}

function yn(value: unknown, fallback: 'Y' | 'N'): 'Y' | 'N' {
  if (value === undefined || value === null || value === '') return fallback;
  return value === 'Y' || value === true || value === 1 || value === '1' ? 'Y' : 'N';
}

/** crm type fields with no entity ticked allow leads, as the core's prepareSettings does. */
function crmLinkSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const normalised: Record<string, unknown> = {};
  for (const key of Object.keys(CRM_LINK_ABBR)) normalised[key] = yn(settings[key], 'N');
  if (!Object.values(normalised).includes('Y')) normalised.LEAD = 'Y';
  return { ...settings, ...normalised };
}

export function addUserField(state: PortalState, entityId: UfEntity, input: Record<string, unknown>): number {
  const rawName = input.FIELD_NAME;
  const userTypeId = typeof input.USER_TYPE_ID === 'string' ? input.USER_TYPE_ID : '';
  if (typeof rawName !== 'string' || rawName.trim() === '') throw coreError('fields.FIELD_NAME is required');
  if (!USER_TYPES.has(userTypeId)) throw coreError(`fields.USER_TYPE_ID: unknown user type "${userTypeId}"`);
  const fieldName = normaliseFieldName(rawName);
  validateFieldName(fieldName);
  if (state.userFields.some((f) => f.entityId === entityId && f.fieldName === fieldName))
    throw coreError(`A field with the name ${fieldName} already exists for ${entityId}`);
  const multiple = yn(input.MULTIPLE, 'N');
  if (userTypeId === 'boolean' && multiple === 'Y') throw coreError('fields.MULTIPLE: a boolean field cannot be multiple');
  const rawSettings = (input.SETTINGS && typeof input.SETTINGS === 'object' ? input.SETTINGS : {}) as Record<string, unknown>;
  const field: UserField = {
    id: allocateId(state, 'userfield'),
    entityId,
    fieldName,
    userTypeId,
    xmlId: typeof input.XML_ID === 'string' ? input.XML_ID : null,
    sort: Number(input.SORT ?? 100) || 100,
    multiple,
    mandatory: yn(input.MANDATORY, 'N'),
    settings: userTypeId === 'crm' ? crmLinkSettings(rawSettings) : rawSettings,
    label: labelOf(input),
    list: [],
  };
  if (userTypeId === 'enumeration' && Array.isArray(input.LIST)) {
    field.list = (input.LIST as Record<string, unknown>[]).map((item, i) => ({
      ID: allocateId(state, 'enum'),
      VALUE: String(item.VALUE ?? ''),
      SORT: Number(item.SORT ?? (i + 1) * 10),
      DEF: yn(item.DEF, 'N'),
      XML_ID: String(item.XML_ID ?? ''),
    }));
  }
  state.userFields.push(field);
  return field.id;
}

function labelOf(input: Record<string, unknown>): string | null {
  for (const key of ['EDIT_FORM_LABEL', 'LABEL', 'LIST_COLUMN_LABEL']) {
    const value = input[key];
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      const first = Object.values(value as Record<string, unknown>)[0];
      if (typeof first === 'string') return first;
    }
  }
  return null;
}

export function userFieldsOf(state: PortalState, entityId: UfEntity): UserField[] {
  return state.userFields.filter((f) => f.entityId === entityId);
}

export function userFieldToWire(field: UserField): Record<string, unknown> {
  const label = field.label ?? field.fieldName;
  return {
    ID: String(field.id),
    ENTITY_ID: field.entityId,
    FIELD_NAME: field.fieldName,
    USER_TYPE_ID: field.userTypeId,
    XML_ID: field.xmlId,
    SORT: String(field.sort),
    MULTIPLE: field.multiple,
    MANDATORY: field.mandatory,
    SHOW_FILTER: 'N',
    SHOW_IN_LIST: 'Y',
    EDIT_IN_LIST: 'Y',
    IS_SEARCHABLE: 'N',
    SETTINGS: field.settings,
    EDIT_FORM_LABEL: label,
    LIST_COLUMN_LABEL: label,
    LIST_FILTER_LABEL: label,
    ...(field.userTypeId === 'enumeration' ? { LIST: field.list.map((i) => ({ ...i, ID: String(i.ID), SORT: String(i.SORT) })) } : {}),
  };
}

export function ufKind(field: UserField): FieldKind {
  switch (field.userTypeId) {
    case 'integer':
    case 'employee':
    case 'enumeration':
      return 'integer';
    case 'double':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    default:
      return 'string';
  }
}

/** Entity types a `crm` link field accepts. */
function linkTypes(field: UserField): string[] {
  return Object.keys(CRM_LINK_ABBR).filter((key) => field.settings[key] === 'Y');
}

/**
 * A crm link allowing one entity type stores the bare id (`"123"`); several types store `C_123`.
 * Inputs in either form are normalised to the stored form.
 */
function normaliseCrmLink(field: UserField, raw: unknown): string {
  const text = String(raw).trim();
  const types = linkTypes(field);
  const prefixed = /^([A-Z]+)_(\d+)$/.exec(text);
  if (types.length === 1) {
    const abbr = CRM_LINK_ABBR[types[0]!];
    if (prefixed && prefixed[1] === abbr) return prefixed[2]!;
    if (/^\d+$/.test(text)) return text;
    throw new FieldValueError(`${field.fieldName}: "${text}" is not an id of a ${types[0]!.toLowerCase()}`);
  }
  if (prefixed && Object.values(CRM_LINK_ABBR).includes(prefixed[1]!)) return text;
  throw new FieldValueError(`${field.fieldName}: "${text}" must be written as TYPE_ID (e.g. C_12) because the field allows several entity types`);
}

function parseOne(field: UserField, raw: unknown, timeZone: string): unknown {
  if (raw === null || raw === undefined || raw === '') return null;
  if (field.userTypeId === 'boolean') return raw === true || raw === 'Y' || raw === 1 || raw === '1' ? 1 : 0;
  if (field.userTypeId === 'crm') return normaliseCrmLink(field, raw);
  if (field.userTypeId === 'money') return String(raw);
  return fromWire(ufKind(field), raw, field.fieldName, timeZone);
}

export function parseUfValue(field: UserField, raw: unknown, timeZone: string): unknown {
  if (field.multiple === 'Y') {
    const values = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : raw === '' || raw === null || raw === undefined ? [] : [raw];
    return values.map((v) => parseOne(field, v, timeZone)).filter((v) => v !== null);
  }
  return parseOne(field, Array.isArray(raw) ? raw[0] : raw, timeZone);
}

/** Legacy reads print every UF scalar as a string; booleans as "1"/"0"; multiple fields as arrays. */
export function ufToLegacyWire(field: UserField, value: unknown, timeZone: string): unknown {
  if (field.multiple === 'Y') return Array.isArray(value) ? value.map((v) => toLegacyWire(ufKind(field), v, timeZone)) : [];
  if (value === undefined) return field.userTypeId === 'boolean' ? '0' : null;
  return toLegacyWire(ufKind(field), value, timeZone);
}
