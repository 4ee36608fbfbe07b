import { command, type Command } from '../command';
import { parseId } from './parse';

export interface TimelineCommentInput {
  entityType: 'deal' | 'contact' | 'lead' | 'company';
  entityId: number;
  /** BB-code text. */
  comment: string;
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
};
