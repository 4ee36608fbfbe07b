import { command, type Command, type Page } from '../command';
import { asMap, optionalString, requiredInteger } from '../normalize';
import { listParams, type ListParams } from './list-params';
import { parseId, parsePage } from './parse';

export interface TimelineCommentInput {
  entityType: 'deal' | 'contact' | 'lead' | 'company';
  entityId: number;
  /** BB-code text. */
  comment: string;
}

export interface TimelineComment {
  id: number;
  comment: string;
}

function parseComment(raw: unknown, path: string): TimelineComment {
  const row = asMap(raw, path);
  return { id: requiredInteger(row.ID, `${path}.ID`), comment: optionalString(row.COMMENT, `${path}.COMMENT`) ?? '' };
}

export const timeline = {
  /** Only lowercase `fields` is accepted by current portals. */
  addComment(input: TimelineCommentInput): Command<number> {
    return command(
      'crm.timeline.comment.add',
      { fields: { ENTITY_ID: input.entityId, ENTITY_TYPE: input.entityType, COMMENT: input.comment } },
      parseId,
    );
  },

  /** Comments of one CRM entity; page with `start` or scan with `scanByKeyset`. */
  listComments(entityType: TimelineCommentInput['entityType'], entityId: number, params: ListParams = {}): Command<Page<TimelineComment>> {
    const filter = { ...params.filter, ENTITY_TYPE: entityType, ENTITY_ID: entityId };
    return command('crm.timeline.comment.list', listParams({ select: ['ID', 'COMMENT'], ...params, filter }), (result, page) =>
      parsePage(result, page, parseComment),
    );
  },
};
