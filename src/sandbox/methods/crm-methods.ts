import { addContact, contactToWire, deleteContact, getContact, listContacts, CONTACT_SCHEMA, updateContact } from '../crm/contacts';
import {
  addDeal, DEAL_SCHEMA, dealContactItems, dealProductRows, dealToWire, deleteDeal, getDeal, listDeals, setDealContactItems, setDealProductRows, updateDeal,
} from '../crm/deals';
import { parseEntityId, requireFieldsObject } from '../crm/entity-list';
import { type EntitySchema } from '../crm/entity-schema';
import { findContactsByComm } from '../crm/duplicates';
import { describeSpec } from '../crm/field-specs';
import { listCategories, listStageHistory, listStatuses } from '../crm/stages';
import { addSystemNotification, addTimelineComment, listTimelineComments, type NotificationSender } from '../crm/timeline';
import { addUserField, userFieldsOf, userFieldToWire } from '../crm/userfields';
import { applyFilter, applyOrder } from '../crm/filters';
import { type PortalState, type UserField } from '../state/store';
import { type CrmContext } from '../crm/context';
import { just, type MethodCall, type MethodTable } from './types';

const legacy = { caseInsensitiveParams: true };

function fieldsDescription(ctx: CrmContext, schema: EntitySchema) {
  const out: Record<string, unknown> = {};
  for (const spec of schema.specs) out[spec.name] = describeSpec(spec);
  for (const uf of userFieldsOf(ctx.state, schema.ufEntity))
    out[uf.fieldName] = {
      type: uf.userTypeId, isRequired: uf.mandatory === 'Y', isReadOnly: false, isImmutable: false, isMultiple: uf.multiple === 'Y', isDynamic: true,
      title: uf.fieldName, listLabel: uf.label ?? uf.fieldName, formLabel: uf.label ?? uf.fieldName, filterLabel: uf.label ?? uf.fieldName, settings: uf.settings,
    };
  return out;
}

function listUserFields(state: PortalState, schema: EntitySchema, params: Record<string, unknown>, timeZone: string) {
  const kinds: Record<string, 'integer' | 'string'> = { ID: 'integer', FIELD_NAME: 'string', USER_TYPE_ID: 'string', XML_ID: 'string', SORT: 'integer', MULTIPLE: 'string' };
  const target = {
    timeZone,
    kindOf: (f: string) => kinds[f],
    valueOf: (u: UserField, f: string): unknown => ({ ID: u.id, FIELD_NAME: u.fieldName, USER_TYPE_ID: u.userTypeId, XML_ID: u.xmlId, SORT: u.sort, MULTIPLE: u.multiple })[f],
  };
  const rows = applyOrder(target, applyFilter(target, userFieldsOf(state, schema.ufEntity), params.filter), params.order);
  return { result: rows.map(userFieldToWire), total: rows.length };
}

const listParams = (p: Record<string, unknown>) => ({ filter: p.filter, order: p.order, select: p.select, start: p.start });

function entityMethods(prefix: 'crm.deal' | 'crm.contact', schema: EntitySchema): MethodTable {
  const isDeal = prefix === 'crm.deal';
  return {
    [`${prefix}.fields`]: { ...legacy, run: ({ ctx }) => just(fieldsDescription(ctx, schema)) },
    [`${prefix}.get`]: {
      ...legacy,
      run: ({ ctx, params }) => {
        const id = parseEntityId(params.id);
        return just(isDeal ? dealToWire(ctx, getDeal(ctx, id)) : contactToWire(ctx, getContact(ctx, id)));
      },
    },
    [`${prefix}.list`]: { ...legacy, run: ({ ctx, params }) => (isDeal ? listDeals(ctx, listParams(params)) : listContacts(ctx, listParams(params))) },
    [`${prefix}.add`]: {
      ...legacy,
      run: ({ ctx, params }) => {
        const fields = requireFieldsObject(params.fields);
        return just(isDeal ? addDeal(ctx, fields) : addContact(ctx, fields));
      },
    },
    [`${prefix}.update`]: {
      ...legacy,
      run: ({ ctx, params }) => {
        const id = parseEntityId(params.id);
        const fields = requireFieldsObject(params.fields);
        return just(isDeal ? updateDeal(ctx, id, fields) : updateContact(ctx, id, fields));
      },
    },
    [`${prefix}.delete`]: { ...legacy, run: ({ ctx, params }) => just(isDeal ? deleteDeal(ctx, parseEntityId(params.id)) : deleteContact(ctx, parseEntityId(params.id))) },
    [`${prefix}.userfield.add`]: { ...legacy, run: ({ ctx, params }) => just(addUserField(ctx.state, schema.ufEntity, requireFieldsObject(params.fields))) },
    [`${prefix}.userfield.list`]: { ...legacy, run: ({ ctx, params }) => listUserFields(ctx.state, schema, params, ctx.timeZone) },
  };
}

export const CRM_METHODS: MethodTable = {
  ...entityMethods('crm.deal', DEAL_SCHEMA),
  ...entityMethods('crm.contact', CONTACT_SCHEMA),
  'crm.deal.contact.items.get': { ...legacy, run: ({ ctx, params }) => just(dealContactItems(ctx, parseEntityId(params.id)).map((b) => ({ ...b }))) },
  'crm.deal.contact.items.set': { ...legacy, run: ({ ctx, params }) => just(setDealContactItems(ctx, parseEntityId(params.id), params.items)) },
  'crm.deal.productrows.get': { ...legacy, run: ({ ctx, params }) => just(dealProductRows(ctx, parseEntityId(params.id))) },
  'crm.deal.productrows.set': { ...legacy, run: ({ ctx, params }) => just(setDealProductRows(ctx, parseEntityId(params.id), params.rows)) },
  'crm.duplicate.findbycomm': { ...legacy, run: ({ ctx, params }) => just(findContactsByComm(ctx.state, params)) },
  'crm.timeline.comment.add': { run: ({ ctx, params }) => just(addTimelineComment(ctx, params.fields)) },
  'crm.timeline.comment.list': { run: ({ ctx, params }) => listTimelineComments(ctx, params) },
  'crm.category.list': { run: ({ ctx, params }) => listCategories(ctx.state, params) },
  'crm.status.list': { ...legacy, run: ({ ctx, params }) => just(listStatuses(ctx.state, params, ctx.timeZone)) },
  'crm.stagehistory.list': { run: ({ ctx, params }) => listStageHistory(ctx.state, params, ctx.timeZone) },
  'im.notify.system.add': { run: (call: MethodCall) => just(addSystemNotification(call.ctx, call.params, notificationSender(call))) },
};

function notificationSender({ auth, params }: MethodCall): NotificationSender {
  if (auth.kind === 'app') return { sender: auth.clientId, application: auth.clientId };
  const clientId = params.CLIENT_ID ?? params.client_id;
  return { sender: `webhook:${auth.userId}`, application: typeof clientId === 'string' && clientId !== '' ? `webhook:${clientId}` : null };
}
