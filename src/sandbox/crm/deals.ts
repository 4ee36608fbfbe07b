import { DateTime } from 'luxon';
import { legacyError, RestError } from '../envelope';
import { allocateId, type DealContactBinding, type EntityRecord, reserveId } from '../state/store';
import { type CrmContext } from './context';
import { applyUfDefaults, applyWireFields, type EntitySchema, sameValue } from './entity-schema';
import { filterTarget, listEntities, type ListParams, renderSelected } from './entity-list';
import { DEAL_FIELDS } from './field-specs';
import { type Selection } from './filters';
import { deriveRows, rowsTotals, rowToWire, sameRows } from './product-rows';
import { findStage, firstStage, recordStageHistory, semanticOf, stagePrefix } from './stages';

export const DEAL_SCHEMA: EntitySchema = { specs: DEAL_FIELDS, ufEntity: 'CRM_DEAL' };

/** Fields the deal logic owns itself rather than storing verbatim. */
const MANAGED = new Set(['CATEGORY_ID', 'STAGE_ID', 'CONTACT_ID', 'CONTACT_IDS', 'ID']);
const DEFAULT_CURRENCY = 'RUB';

export function getDeal(ctx: CrmContext, id: number): EntityRecord {
  const deal = ctx.state.deals[String(id)];
  if (!deal) throw legacyError('Not found');
  return deal;
}

const dealId = (deal: EntityRecord): Record<string, string> => ({ ID: String(deal.id) });

function touch(ctx: CrmContext, deal: EntityRecord): void {
  deal.fields.DATE_MODIFY = ctx.now();
  deal.fields.MODIFY_BY_ID = ctx.actor.userId;
}

function today(ctx: CrmContext, plusDays = 0): string {
  return DateTime.fromMillis(ctx.now(), { zone: ctx.timeZone }).plus({ days: plusDays }).toISODate() ?? '';
}

function enterStage(ctx: CrmContext, deal: EntityRecord, stageId: string, historyType: 1 | 2 | 5): void {
  const semantic = semanticOf(ctx.state, stageId);
  deal.fields.STAGE_ID = stageId;
  deal.fields.STAGE_SEMANTIC_ID = semantic;
  deal.fields.CLOSED = semantic === 'P' ? 'N' : 'Y';
  deal.fields.IS_NEW = stageId === firstStage(ctx.state, deal.fields.CATEGORY_ID as number).statusId ? 'Y' : 'N';
  deal.fields.MOVED_TIME = ctx.now();
  deal.fields.MOVED_BY_ID = ctx.actor.userId;
  const typeId = historyType === 2 && semantic !== 'P' ? 3 : historyType;
  recordStageHistory(ctx.state, ctx.now(), { typeId, ownerId: deal.id, categoryId: deal.fields.CATEGORY_ID as number, stageId });
}

function contactIdsOf(input: Record<string, unknown>): number[] | undefined {
  const raw = input.CONTACT_IDS ?? input.contact_ids;
  if (raw !== undefined) {
    const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : raw === '' ? [] : [raw];
    return list.map(Number).filter((n) => Number.isInteger(n) && n > 0);
  }
  const single = input.CONTACT_ID ?? input.contact_id;
  if (single === undefined) return undefined;
  const id = Number(single);
  return Number.isInteger(id) && id > 0 ? [id] : [];
}

function bindContacts(ctx: CrmContext, deal: EntityRecord, bindings: DealContactBinding[]): boolean {
  const before = ctx.state.dealContacts[String(deal.id)] ?? [];
  ctx.state.dealContacts[String(deal.id)] = bindings;
  deal.fields.CONTACT_ID = bindings.find((b) => b.IS_PRIMARY === 'Y')?.CONTACT_ID ?? null;
  return !sameValue(before, bindings);
}

function bindingsFromIds(ids: number[]): DealContactBinding[] {
  return ids.map((id, i) => ({ CONTACT_ID: id, SORT: (i + 1) * 10, ROLE_ID: 0, IS_PRIMARY: i === 0 ? 'Y' : 'N' }));
}

function recomputeOpportunity(ctx: CrmContext, deal: EntityRecord): void {
  const rows = ctx.state.productRows[String(deal.id)] ?? [];
  if (deal.fields.IS_MANUAL_OPPORTUNITY === 'Y' || rows.length === 0) return;
  const totals = rowsTotals(rows);
  deal.fields.OPPORTUNITY = totals.opportunityMinor;
  deal.fields.TAX_VALUE = totals.taxMinor;
}

export function addDeal(ctx: CrmContext, input: Record<string, unknown>, explicitId?: number): number {
  const categoryId = Number(input.CATEGORY_ID ?? 0) || 0;
  if (!ctx.state.categories.some((c) => c.id === categoryId)) throw legacyError(`Pipeline (CATEGORY_ID) ${categoryId} not found`);
  if (explicitId !== undefined && ctx.state.deals[String(explicitId)]) throw legacyError(`Deal ${explicitId} already exists`);
  const id = explicitId ?? allocateId(ctx.state, 'deal');
  if (explicitId !== undefined) reserveId(ctx.state, 'deal', explicitId);
  const now = ctx.now();
  const deal: EntityRecord = {
    id,
    fields: {
      ID: id, TITLE: `Deal #${id}`, CATEGORY_ID: categoryId, CURRENCY_ID: DEFAULT_CURRENCY, OPPORTUNITY: 0, TAX_VALUE: 0,
      IS_MANUAL_OPPORTUNITY: 'N', OPENED: 'Y', IS_NEW: 'Y', IS_RECURRING: 'N', IS_RETURN_CUSTOMER: 'N', IS_REPEATED_APPROACH: 'N',
      BEGINDATE: today(ctx), CLOSEDATE: today(ctx, 7), ASSIGNED_BY_ID: ctx.actor.userId, CREATED_BY_ID: ctx.actor.userId,
      MODIFY_BY_ID: ctx.actor.userId, DATE_CREATE: now, DATE_MODIFY: now, COMPANY_ID: null, CONTACT_ID: null,
    },
    uf: {},
  };
  applyWireFields(ctx.state, DEAL_SCHEMA, deal, input, ctx.timeZone, MANAGED);
  applyUfDefaults(ctx.state, DEAL_SCHEMA, deal, ctx.timeZone);
  const requested = typeof input.STAGE_ID === 'string' ? findStage(ctx.state, input.STAGE_ID) : undefined;
  const stageId = requested && requested.categoryId === categoryId ? requested.statusId : firstStage(ctx.state, categoryId).statusId;
  ctx.state.deals[String(id)] = deal;
  enterStage(ctx, deal, stageId, 1);
  bindContacts(ctx, deal, bindingsFromIds(contactIdsOf(input) ?? []));
  ctx.emit({ name: 'ONCRMDEALADD', fields: dealId(deal) });
  return id;
}

/** Legacy update: CATEGORY_ID is immutable and a STAGE_ID of another pipeline is ignored. */
export function updateDeal(ctx: CrmContext, id: number, input: Record<string, unknown>): boolean {
  const deal = structuredClone(getDeal(ctx, id));
  const changed = applyWireFields(ctx.state, DEAL_SCHEMA, deal, input, ctx.timeZone, MANAGED);
  ctx.state.deals[String(id)] = deal;
  const requested = typeof input.STAGE_ID === 'string' ? findStage(ctx.state, input.STAGE_ID) : undefined;
  if (requested && requested.categoryId === deal.fields.CATEGORY_ID && requested.statusId !== deal.fields.STAGE_ID) {
    enterStage(ctx, deal, requested.statusId, 2);
    changed.push('STAGE_ID');
  }
  const contactIds = contactIdsOf(input);
  if (contactIds && bindContacts(ctx, deal, bindingsFromIds(contactIds))) changed.push('CONTACT_IDS');
  const opportunityBefore = deal.fields.OPPORTUNITY;
  recomputeOpportunity(ctx, deal);
  if (changed.length === 0 && sameValue(opportunityBefore, deal.fields.OPPORTUNITY)) return true;
  touch(ctx, deal);
  ctx.emit({ name: 'ONCRMDEALUPDATE', fields: dealId(deal) });
  return true;
}

/** Pipeline move (crm.item.update with categoryId): fires ONCRMDEALMOVETOCATEGORY, not ONCRMDEALUPDATE. */
export function moveDealToCategory(ctx: CrmContext, id: number, categoryId: number, stageId?: string): void {
  const deal = getDeal(ctx, id);
  if (!ctx.state.categories.some((c) => c.id === categoryId)) throw new RestError(400, 'NOT_FOUND', `Pipeline ${categoryId} not found`);
  if (deal.fields.CATEGORY_ID === categoryId) return;
  const requested = stageId === undefined ? undefined : findStage(ctx.state, stageId.includes(':') || categoryId === 0 ? stageId : stagePrefix(categoryId) + stageId);
  if (stageId !== undefined && (!requested || requested.categoryId !== categoryId))
    throw new RestError(400, 'CRM_FIELD_ERROR_VALUE_NOT_VALID', `stageId: "${stageId}" is not a stage of pipeline ${categoryId}`);
  deal.fields.CATEGORY_ID = categoryId;
  enterStage(ctx, deal, requested?.statusId ?? firstStage(ctx.state, categoryId).statusId, 5);
  touch(ctx, deal);
  ctx.emit({ name: 'ONCRMDEALMOVETOCATEGORY', fields: { ...dealId(deal), CATEGORY_ID: String(categoryId), STAGE_ID: String(deal.fields.STAGE_ID) } });
}

export function deleteDeal(ctx: CrmContext, id: number): boolean {
  getDeal(ctx, id);
  delete ctx.state.deals[String(id)];
  delete ctx.state.productRows[String(id)];
  delete ctx.state.dealContacts[String(id)];
  ctx.emit({ name: 'ONCRMDEALDELETE', fields: { ID: String(id) } });
  return true;
}

export function dealToWire(ctx: CrmContext, deal: EntityRecord, selection?: Selection): Record<string, unknown> {
  return renderSelected(ctx.state, DEAL_SCHEMA, deal, selection ?? { allStandard: true, allUf: true, names: new Set() }, ctx.timeZone);
}

export function listDeals(ctx: CrmContext, params: ListParams) {
  const records = Object.values(ctx.state.deals);
  return listEntities(records, filterTarget(ctx.state, DEAL_SCHEMA, ctx.timeZone), params, (r, s) => dealToWire(ctx, r, s));
}

export function dealContactItems(ctx: CrmContext, id: number): DealContactBinding[] {
  getDeal(ctx, id);
  return ctx.state.dealContacts[String(id)] ?? [];
}

/** Replaces all bindings; without an explicit primary the first item becomes primary. */
export function setDealContactItems(ctx: CrmContext, id: number, items: unknown): boolean {
  const deal = getDeal(ctx, id);
  const list = Array.isArray(items) ? items : items && typeof items === 'object' ? Object.values(items) : [];
  const parsed = list.map((raw, i) => {
    const item = (raw ?? {}) as Record<string, unknown>;
    const contactId = Number(item.CONTACT_ID ?? item.contact_id);
    if (!Number.isInteger(contactId) || contactId <= 0) throw legacyError(`items[${i}].CONTACT_ID is not defined or invalid.`);
    if (!ctx.state.contacts[String(contactId)]) throw legacyError(`items[${i}]: contact ${contactId} not found.`);
    return { CONTACT_ID: contactId, SORT: Number(item.SORT ?? (i + 1) * 10), ROLE_ID: 0, IS_PRIMARY: item.IS_PRIMARY === 'Y' ? 'Y' : 'N' } as DealContactBinding;
  });
  const primary = parsed.findIndex((b) => b.IS_PRIMARY === 'Y');
  const bindings = parsed.map((b, i) => ({ ...b, IS_PRIMARY: (primary === -1 ? i === 0 : i === primary) ? 'Y' : 'N' }) as DealContactBinding);
  if (bindContacts(ctx, deal, bindings)) {
    touch(ctx, deal);
    ctx.emit({ name: 'ONCRMDEALUPDATE', fields: dealId(deal) });
  }
  return true;
}

export function dealProductRows(ctx: CrmContext, id: number): Record<string, unknown>[] {
  getDeal(ctx, id);
  return (ctx.state.productRows[String(id)] ?? []).map((row) => rowToWire(row, id));
}

/** Full replacement; OPPORTUNITY follows the rows unless IS_MANUAL_OPPORTUNITY='Y'. */
export function setDealProductRows(ctx: CrmContext, id: number, rowsInput: unknown): boolean {
  const deal = getDeal(ctx, id);
  const rows = deriveRows(ctx.state, rowsInput);
  const before = ctx.state.productRows[String(id)] ?? [];
  if (sameRows(before, rows)) return true;
  ctx.state.productRows[String(id)] = rows;
  if (deal.fields.IS_MANUAL_OPPORTUNITY !== 'Y') {
    const totals = rowsTotals(rows);
    deal.fields.OPPORTUNITY = totals.opportunityMinor;
    deal.fields.TAX_VALUE = totals.taxMinor;
  }
  touch(ctx, deal);
  ctx.emit({ name: 'ONCRMDEALUPDATE', fields: dealId(deal) });
  return true;
}
