import { command, type Command } from '../command';
import { type Category, parseCategoryList } from '../shapes/category';
import { dealStageEntityId, isDealStageEntity, parseStage, type Stage } from '../shapes/stage';
import { asList } from '../normalize';

const DEAL_ENTITY_TYPE_ID = 2;

function stagesOnly(result: unknown): Stage[] {
  return asList(result, 'result').flatMap((row, index) => {
    const stage = parseStage(row, `result[${index}]`);
    return isDealStageEntity(stage.entityId) ? [stage] : [];
  });
}

export const pipelines = {
  /** Deal pipelines (`crm.category.list`, entityTypeId 2). */
  categories(): Command<Category[]> {
    return command('crm.category.list', { entityTypeId: DEAL_ENTITY_TYPE_ID }, parseCategoryList);
  },

  /** Stages of one deal pipeline, in board order, with their P/S/F semantics. */
  dealStages(categoryId: number): Command<Stage[]> {
    return command('crm.status.list', { filter: { ENTITY_ID: dealStageEntityId(categoryId) }, order: { SORT: 'ASC' } }, stagesOnly);
  },

  /** Stages of every deal pipeline from the whole status dictionary (one call, no paging). */
  allDealStages(): Command<Stage[]> {
    return command('crm.status.list', { order: { SORT: 'ASC' } }, stagesOnly);
  },
};
