import { legacyError } from '../envelope';
import { allocateId, type ContactRecord, reserveId } from '../state/store';
import { type CrmContext } from './context';
import { applyUfDefaults, applyWireFields, type EntitySchema, sameValue } from './entity-schema';
import { filterTarget, listEntities, type ListParams, renderSelected } from './entity-list';
import { CONTACT_FIELDS } from './field-specs';
import { type Selection } from './filters';
import { mergeMultifields, MULTIFIELD_TYPES, multifieldsToWire } from './multifields';

export const CONTACT_SCHEMA: EntitySchema = { specs: CONTACT_FIELDS, ufEntity: 'CRM_CONTACT' };
const MANAGED = new Set(['ID', ...MULTIFIELD_TYPES]);

export function getContact(ctx: CrmContext, id: number): ContactRecord {
  const contact = ctx.state.contacts[String(id)];
  if (!contact) throw legacyError('Not found');
  return contact;
}

function refreshFlags(contact: ContactRecord): void {
  contact.fields.HAS_PHONE = contact.multifields.some((m) => m.TYPE_ID === 'PHONE') ? 'Y' : 'N';
  contact.fields.HAS_EMAIL = contact.multifields.some((m) => m.TYPE_ID === 'EMAIL') ? 'Y' : 'N';
  contact.fields.HAS_IMOL = 'N';
}

export function addContact(ctx: CrmContext, input: Record<string, unknown>, explicitId?: number): number {
  if (explicitId !== undefined && ctx.state.contacts[String(explicitId)]) throw legacyError(`Contact ${explicitId} already exists`);
  const now = ctx.now();
  const draft: ContactRecord = {
    id: 0,
    fields: {
      OPENED: 'Y', EXPORT: 'Y', ASSIGNED_BY_ID: ctx.actor.userId, CREATED_BY_ID: ctx.actor.userId, MODIFY_BY_ID: ctx.actor.userId,
      DATE_CREATE: now, DATE_MODIFY: now, TYPE_ID: 'CLIENT', SOURCE_ID: 'SELF',
    },
    uf: {},
    multifields: [],
  };
  applyWireFields(ctx.state, CONTACT_SCHEMA, draft, input, ctx.timeZone, MANAGED);
  applyUfDefaults(ctx.state, CONTACT_SCHEMA, draft, ctx.timeZone);
  draft.multifields = mergeMultifields(ctx.state, [], input);
  const id = explicitId ?? allocateId(ctx.state, 'contact');
  if (explicitId !== undefined) reserveId(ctx.state, 'contact', explicitId);
  draft.id = id;
  draft.fields.ID = id;
  refreshFlags(draft);
  ctx.state.contacts[String(id)] = draft;
  ctx.emit({ name: 'ONCRMCONTACTADD', fields: { ID: String(id) } });
  return id;
}

export function updateContact(ctx: CrmContext, id: number, input: Record<string, unknown>): boolean {
  const draft = structuredClone(getContact(ctx, id));
  const changed = applyWireFields(ctx.state, CONTACT_SCHEMA, draft, input, ctx.timeZone, MANAGED);
  const merged = mergeMultifields(ctx.state, draft.multifields, input);
  if (!sameValue(merged, draft.multifields)) changed.push('MULTIFIELDS');
  draft.multifields = merged;
  if (changed.length === 0) return true;
  refreshFlags(draft);
  draft.fields.DATE_MODIFY = ctx.now();
  draft.fields.MODIFY_BY_ID = ctx.actor.userId;
  ctx.state.contacts[String(id)] = draft;
  ctx.emit({ name: 'ONCRMCONTACTUPDATE', fields: { ID: String(id) } });
  return true;
}

export function deleteContact(ctx: CrmContext, id: number): boolean {
  getContact(ctx, id);
  delete ctx.state.contacts[String(id)];
  for (const [dealId, bindings] of Object.entries(ctx.state.dealContacts))
    ctx.state.dealContacts[dealId] = bindings.filter((b) => b.CONTACT_ID !== id);
  ctx.emit({ name: 'ONCRMCONTACTDELETE', fields: { ID: String(id) } });
  return true;
}

/** get: every field plus the non-empty multifields; list: multifields only when named in select. */
export function contactToWire(ctx: CrmContext, contact: ContactRecord, selection?: Selection): Record<string, unknown> {
  const out = renderSelected(ctx.state, CONTACT_SCHEMA, contact, selection ?? { allStandard: true, allUf: true, names: new Set() }, ctx.timeZone);
  for (const typeId of MULTIFIELD_TYPES) {
    const wanted = selection ? selection.names.has(typeId) : true;
    const values = multifieldsToWire(contact.multifields, typeId);
    if (wanted && values.length > 0) out[typeId] = values;
  }
  return out;
}

export function listContacts(ctx: CrmContext, params: ListParams) {
  const target = filterTarget<ContactRecord>(ctx.state, CONTACT_SCHEMA, ctx.timeZone, (record, field) =>
    (MULTIFIELD_TYPES as readonly string[]).includes(field) ? record.multifields.filter((m) => m.TYPE_ID === field).map((m) => m.VALUE) : undefined,
  );
  return listEntities(Object.values(ctx.state.contacts), target, params, (r, s) => contactToWire(ctx, r, s));
}
