import { RestError } from '../envelope';
import { minorToNumber } from '../money';
import { type EntityRecord } from '../state/store';
import { type CrmContext } from './context';
import { CONTACT_SCHEMA, getContact } from './contacts';
import { DEAL_SCHEMA, dealContactItems, getDeal, moveDealToCategory, updateDeal } from './deals';
import { type EntitySchema } from './entity-schema';
import { toLegacyWire } from './wire-values';
import { userFieldsOf } from './userfields';

const SPECIAL_NAMES: Record<string, string> = {
  DATE_CREATE: 'createdTime', DATE_MODIFY: 'updatedTime', CREATED_BY_ID: 'createdBy', MODIFY_BY_ID: 'updatedBy', MOVED_BY_ID: 'movedBy',
};

const camel = (upper: string): string => upper.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** `UF_CRM_LOYALTY_POINTS` → `ufCrmLoyaltyPoints`; numeric or mixed tails keep an underscore: `ufCrm_1720697698689`. */
export function ufItemName(fieldName: string): string {
  const tail = fieldName.replace(/^UF_CRM_/, '');
  if (/^[A-Z_]+$/.test(tail) || /^\d+_[A-Z_]+$/.test(tail)) return `ufCrm${camel(`_${tail}`).replace(/^_/, '')}`;
  return `ufCrm_${tail}`;
}

export const itemName = (legacy: string): string => SPECIAL_NAMES[legacy] ?? camel(legacy);

function schemaFor(entityTypeId: number): EntitySchema {
  if (entityTypeId === 2) return DEAL_SCHEMA;
  if (entityTypeId === 3) return CONTACT_SCHEMA;
  throw new RestError(400, 'NOT_FOUND', `Smart process type ${entityTypeId} is not emulated`);
}

function typed(kind: string, value: unknown, timeZone: string): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'money') return minorToNumber(value as number);
  if (kind === 'integer' || kind === 'number') return value;
  return toLegacyWire(kind as never, value, timeZone);
}

export function itemToWire(ctx: CrmContext, entityTypeId: number, record: EntityRecord, originalUfNames: boolean): Record<string, unknown> {
  const schema = schemaFor(entityTypeId);
  const item: Record<string, unknown> = {};
  for (const spec of schema.specs) {
    if (spec.kind === 'multifield' || spec.writeOnly) continue;
    item[itemName(spec.name)] = typed(spec.kind, record.fields[spec.name], ctx.timeZone);
  }
  if (entityTypeId === 2) item.contactIds = dealContactItems(ctx, record.id).map((b) => b.CONTACT_ID);
  for (const uf of userFieldsOf(ctx.state, schema.ufEntity)) {
    const value = record.uf[uf.fieldName];
    item[originalUfNames ? uf.fieldName : ufItemName(uf.fieldName)] = uf.userTypeId === 'boolean' ? (value === 1 ? 'Y' : 'N') : (value ?? (uf.multiple === 'Y' ? [] : null));
  }
  return item;
}

function recordOf(ctx: CrmContext, entityTypeId: number, id: number): EntityRecord {
  try {
    return entityTypeId === 2 ? getDeal(ctx, id) : getContact(ctx, id);
  } catch {
    throw new RestError(400, 'NOT_FOUND', 'Element not found');
  }
}

export function getItem(ctx: CrmContext, params: Record<string, unknown>) {
  const entityTypeId = Number(params.entityTypeId);
  schemaFor(entityTypeId);
  const record = recordOf(ctx, entityTypeId, Number(params.id));
  return { item: itemToWire(ctx, entityTypeId, record, params.useOriginalUfNames === 'Y') };
}

/** Maps camelCase (or original UF) names back to legacy names; `categoryId` moves the deal to another pipeline. */
export function updateItem(ctx: CrmContext, params: Record<string, unknown>) {
  const entityTypeId = Number(params.entityTypeId);
  if (entityTypeId !== 2) throw new RestError(400, 'NOT_FOUND', `crm.item.update is emulated for deals (entityTypeId 2) only`);
  const id = Number(params.id);
  const record = recordOf(ctx, entityTypeId, id);
  const fields = (params.fields && typeof params.fields === 'object' ? params.fields : {}) as Record<string, unknown>;
  const byItemName = new Map<string, string>();
  for (const spec of DEAL_SCHEMA.specs) byItemName.set(itemName(spec.name), spec.name);
  for (const uf of userFieldsOf(ctx.state, 'CRM_DEAL')) {
    byItemName.set(ufItemName(uf.fieldName), uf.fieldName);
    byItemName.set(uf.fieldName, uf.fieldName);
  }
  const legacyFields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const name = byItemName.get(key);
    if (name && name !== 'CATEGORY_ID') legacyFields[name] = value;
  }
  const categoryId = fields.categoryId === undefined ? undefined : Number(fields.categoryId);
  if (categoryId !== undefined && categoryId !== record.fields.CATEGORY_ID) {
    moveDealToCategory(ctx, id, categoryId, typeof fields.stageId === 'string' ? fields.stageId : undefined);
    delete legacyFields.STAGE_ID;
  }
  updateDeal(ctx, id, legacyFields);
  return { item: itemToWire(ctx, entityTypeId, getDeal(ctx, id), params.useOriginalUfNames === 'Y') };
}
