import { formatPortalDateTime, RestError } from '../envelope';
import { allocateId, type TimelineComment } from '../state/store';
import { type CrmContext } from './context';
import { applyFilter, applyOrder, paginate } from './filters';
import { type FieldKind } from './wire-values';

const ENTITY_TYPES = new Set(['lead', 'deal', 'contact', 'company', 'order']);

function ownerExists(ctx: CrmContext, entityType: string, entityId: number): boolean {
  if (entityType === 'deal') return Boolean(ctx.state.deals[String(entityId)]);
  if (entityType === 'contact') return Boolean(ctx.state.contacts[String(entityId)]);
  return false;
}

/** Only lowercase `fields` is accepted here (crm ≥ 23.100.0), unlike the other legacy CRM methods. */
export function addTimelineComment(ctx: CrmContext, fields: unknown): number {
  if (!fields || typeof fields !== 'object') throw new RestError(400, '100', "Required field 'fields' is missing");
  const input = fields as Record<string, unknown>;
  const entityType = String(input.ENTITY_TYPE ?? '').toLowerCase();
  const entityId = Number(input.ENTITY_ID);
  const comment = typeof input.COMMENT === 'string' ? input.COMMENT.trim() : '';
  if (!ENTITY_TYPES.has(entityType) && !/^dynamic_\d+$/.test(entityType)) throw new RestError(400, 'INVALID_ARG_VALUE', `fields.ENTITY_TYPE: "${String(input.ENTITY_TYPE)}" is not a CRM entity type`);
  if (!Number.isInteger(entityId) || entityId <= 0) throw new RestError(400, 'INVALID_ARG_VALUE', 'fields.ENTITY_ID is not defined or invalid');
  if (comment === '') throw new RestError(400, 'INVALID_ARG_VALUE', 'fields.COMMENT: the comment is empty');
  if (!ownerExists(ctx, entityType, entityId)) throw new RestError(400, 'OWNER_NOT_FOUND', `${entityType} ${entityId} not found`);
  const id = allocateId(ctx.state, 'comment');
  ctx.state.comments.push({ id, entityType, entityId, comment, authorId: ctx.actor.userId, createdMs: ctx.now() });
  return id;
}

const KINDS: Record<string, FieldKind> = { ID: 'integer', ENTITY_ID: 'integer', ENTITY_TYPE: 'string', AUTHOR_ID: 'integer', CREATED: 'datetime', COMMENT: 'string' };

export function commentToWire(c: TimelineComment, timeZone: string): Record<string, unknown> {
  return {
    ID: String(c.id),
    CREATED: formatPortalDateTime(c.createdMs, timeZone),
    ENTITY_ID: String(c.entityId),
    ENTITY_TYPE: c.entityType,
    AUTHOR_ID: String(c.authorId),
    COMMENT: c.comment,
  };
}

export function listTimelineComments(ctx: CrmContext, params: Record<string, unknown>) {
  const target = {
    timeZone: ctx.timeZone,
    kindOf: (f: string) => KINDS[f],
    valueOf: (c: TimelineComment, f: string): unknown =>
      ({ ID: c.id, ENTITY_ID: c.entityId, ENTITY_TYPE: c.entityType, AUTHOR_ID: c.authorId, CREATED: c.createdMs, COMMENT: c.comment })[f],
  };
  const page = paginate(applyOrder(target, applyFilter(target, ctx.state.comments, params.filter), params.order), params.start);
  return { result: page.rows.map((c) => commentToWire(c, ctx.timeZone)), total: page.total, next: page.next };
}

/**
 * Who sent the notification, and the application its tag belongs to: the OAuth app, or for a webhook the
 * `CLIENT_ID` it passed (null without one: the tag is then recorded but replaces nothing).
 */
export interface NotificationSender {
  sender: string;
  application: string | null;
}

/**
 * A tag is unique within its application: adding a notification with a tag already used removes the earlier
 * ones (im.notify.system.add, TAG). SUB_TAG carries no uniqueness.
 */
export function addSystemNotification(ctx: CrmContext, params: Record<string, unknown>, from: NotificationSender): number {
  const userId = Number(params.USER_ID ?? params.user_id);
  const message = String(params.MESSAGE ?? params.message ?? '').trim();
  if (!Number.isInteger(userId) || userId <= 0) throw new RestError(400, 'USER_ID_EMPTY', 'Recipient ID (USER_ID) not specified');
  if (message === '') throw new RestError(400, 'MESSAGE_EMPTY', 'Message text (MESSAGE) not specified');
  const id = allocateId(ctx.state, 'notify');
  const rawTag = params.TAG ?? params.tag;
  const subTag = params.SUB_TAG ?? params.sub_tag;
  const tag = rawTag === undefined || rawTag === '' ? null : String(rawTag);
  const { sender, application } = from;
  if (tag !== null && application !== null) {
    ctx.state.notifications = ctx.state.notifications.filter((n) => !(n.tag === tag && n.application === application));
  }
  ctx.state.notifications.push({
    id, userId, message, tag, subTag: subTag === undefined ? null : String(subTag), createdMs: ctx.now(), sender, application,
  });
  return id;
}
