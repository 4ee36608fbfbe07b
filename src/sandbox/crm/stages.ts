import { formatPortalDateTime, RestError } from '../envelope';
import { allocateId, type PortalState, type Stage, type StageHistoryItem } from '../state/store';
import { type SeedCategory } from '../types';
import { applyFilter, applyOrder, paginate } from './filters';
import { type FieldKind } from './wire-values';

export type Semantic = 'P' | 'S' | 'F';

export const stageEntityId = (categoryId: number): string => (categoryId === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${categoryId}`);
export const stagePrefix = (categoryId: number): string => (categoryId === 0 ? '' : `C${categoryId}:`);

export function stagesOf(state: PortalState, categoryId: number): Stage[] {
  return state.stages.filter((s) => s.categoryId === categoryId).sort((a, b) => a.sort - b.sort);
}

export function findStage(state: PortalState, statusId: string): Stage | undefined {
  return state.stages.find((s) => s.statusId === statusId);
}

export function semanticOf(state: PortalState, statusId: string): Semantic {
  return findStage(state, statusId)?.semantics ?? 'P';
}

export function firstStage(state: PortalState, categoryId: number): Stage {
  const stage = stagesOf(state, categoryId)[0];
  if (!stage) throw new RestError(400, 'ERROR_CORE', `Pipeline ${categoryId} has no stages`);
  return stage;
}

const SEMANTIC_COLOR: Record<Semantic, string> = { P: '#39A8EF', S: '#7BD500', F: '#FF5752' };

/** Adds a pipeline with its stages; bare stage codes get the `C{n}:` prefix outside pipeline 0. */
export function addCategory(state: PortalState, category: SeedCategory): void {
  if (state.categories.some((c) => c.id === category.id)) throw new RestError(400, 'ERROR_CORE', `Pipeline ${category.id} already exists`);
  const wins = category.stages.filter((s) => s.SEMANTICS === 'S').length;
  if (wins !== 1) throw new RestError(400, 'ERROR_CORE', `Pipeline ${category.id} "${category.name}" must have exactly one success stage, has ${wins}`);
  state.categories.push({ id: category.id, name: category.name, sort: category.sort ?? (category.id + 1) * 100 });
  category.stages.forEach((stage, index) => {
    const bare = stage.STATUS_ID.replace(/^C\d+:/, '');
    state.stages.push({
      id: allocateId(state, 'status'),
      entityId: stageEntityId(category.id),
      statusId: stagePrefix(category.id) + bare,
      name: stage.NAME,
      sort: stage.SORT ?? (index + 1) * 10,
      semantics: stage.SEMANTICS ?? null,
      categoryId: category.id,
      color: stage.COLOR ?? SEMANTIC_COLOR[stage.SEMANTICS ?? 'P'],
    });
  });
}

const STATUS_KINDS: Record<string, FieldKind> = {
  ID: 'integer', ENTITY_ID: 'string', STATUS_ID: 'string', NAME: 'string', SORT: 'integer', CATEGORY_ID: 'integer', SEMANTICS: 'string',
};

function statusToWire(stage: Stage): Record<string, unknown> {
  const extraSemantics = stage.semantics === 'S' ? 'success' : stage.semantics === 'F' ? 'failure' : 'process';
  return {
    ID: String(stage.id),
    ENTITY_ID: stage.entityId,
    STATUS_ID: stage.statusId,
    NAME: stage.name,
    NAME_INIT: stage.name,
    SORT: String(stage.sort),
    SYSTEM: 'N',
    CATEGORY_ID: String(stage.categoryId),
    COLOR: stage.color,
    SEMANTICS: stage.semantics,
    EXTRA: { SEMANTICS: extraSemantics, COLOR: stage.color },
  };
}

export function listStatuses(state: PortalState, params: Record<string, unknown>, timeZone: string) {
  const target = {
    timeZone,
    kindOf: (f: string) => STATUS_KINDS[f],
    valueOf: (s: Stage, f: string): unknown =>
      ({ ID: s.id, ENTITY_ID: s.entityId, STATUS_ID: s.statusId, NAME: s.name, SORT: s.sort, CATEGORY_ID: s.categoryId, SEMANTICS: s.semantics })[f],
  };
  const filtered = applyFilter(target, state.stages, params.filter);
  const ordered = applyOrder(target, filtered, params.order ?? { SORT: 'ASC' });
  return ordered.map(statusToWire);
}

export function listCategories(state: PortalState, params: Record<string, unknown>) {
  const entityTypeId = Number(params.entityTypeId ?? params.entitytypeid);
  if (entityTypeId !== 2) throw new RestError(400, 'NOT_FOUND', `Categories are not supported for entityTypeId ${String(params.entityTypeId)}`);
  const categories = [...state.categories]
    .sort((a, b) => a.sort - b.sort)
    .map((c) => ({ id: c.id, name: c.name, sort: c.sort, entityTypeId: 2, isDefault: c.id === 0 ? 'Y' : 'N', originId: '', originatorId: '' }));
  return { result: { categories }, total: categories.length };
}

const HISTORY_KINDS: Record<string, FieldKind> = {
  ID: 'integer', TYPE_ID: 'integer', OWNER_ID: 'integer', CREATED_TIME: 'datetime', CATEGORY_ID: 'integer', STAGE_SEMANTIC_ID: 'string', STAGE_ID: 'string',
};

export function recordStageHistory(
  state: PortalState,
  now: number,
  entry: Omit<StageHistoryItem, 'id' | 'createdMs' | 'stageSemanticId'>,
): void {
  state.stageHistory.push({ ...entry, id: allocateId(state, 'stagehistory'), createdMs: now, stageSemanticId: semanticOf(state, entry.stageId) });
}

export function listStageHistory(state: PortalState, params: Record<string, unknown>, timeZone: string) {
  if (Number(params.entityTypeId) !== 2) throw new RestError(400, 'INVALID_ARG_VALUE', 'entityTypeId: only deals (2) are emulated');
  const target = {
    timeZone,
    kindOf: (f: string) => HISTORY_KINDS[f],
    valueOf: (h: StageHistoryItem, f: string): unknown =>
      ({ ID: h.id, TYPE_ID: h.typeId, OWNER_ID: h.ownerId, CREATED_TIME: h.createdMs, CATEGORY_ID: h.categoryId, STAGE_SEMANTIC_ID: h.stageSemanticId, STAGE_ID: h.stageId })[f],
  };
  if (params.filter && typeof params.filter === 'object') {
    for (const key of Object.keys(params.filter)) {
      const field = key.replace(/^[^A-Za-z]+/, '').toUpperCase();
      if (!HISTORY_KINDS[field]) throw new RestError(400, 'INVALID_ARG_VALUE', `Invalid filter: field '${field}' is not allowed in filter`);
    }
  }
  const page = paginate(applyOrder(target, applyFilter(target, state.stageHistory, params.filter), params.order), params.start);
  const items = page.rows.map((h) => ({
    ID: h.id,
    TYPE_ID: h.typeId,
    OWNER_ID: h.ownerId,
    CREATED_TIME: formatPortalDateTime(h.createdMs, timeZone),
    CATEGORY_ID: h.categoryId,
    STAGE_SEMANTIC_ID: h.stageSemanticId,
    STAGE_ID: h.stageId,
  }));
  return { result: { items }, total: page.total, next: page.next };
}
