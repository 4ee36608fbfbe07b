import { asMap, optionalInteger, optionalString } from '../normalize';

/** P = in progress, S = success (won), F = failure (lost, incl. "apology"). */
export type StageSemantic = 'P' | 'S' | 'F';

export interface Stage {
  /** The value deals carry in STAGE_ID (`WON`, `C1:WON`, `C1:UC_X1`…). */
  statusId: string;
  /** Dictionary: `DEAL_STAGE` (pipeline 0) or `DEAL_STAGE_{categoryId}`. */
  entityId: string;
  categoryId: number;
  name: string;
  sort: number;
  semantic: StageSemantic;
}

const SEMANTIC_WORDS: Record<string, StageSemantic> = { process: 'P', success: 'S', failure: 'F', apology: 'F' };

export function parseStageSemantic(value: unknown): StageSemantic | null {
  if (value === 'P' || value === 'S' || value === 'F') return value;
  if (typeof value === 'string') return SEMANTIC_WORDS[value.toLowerCase()] ?? null;
  return null;
}

const DEAL_STAGE_ENTITY = /^DEAL_STAGE(?:_(\d+))?$/;

export function isDealStageEntity(entityId: string): boolean {
  return DEAL_STAGE_ENTITY.test(entityId);
}

export function dealStageEntityId(categoryId: number): string {
  return categoryId === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${categoryId}`;
}

/** A `crm.status.list` row of a deal-stage dictionary. Semantics come from `SEMANTICS` or `EXTRA.SEMANTICS`. */
export function parseStage(raw: unknown, path: string): Stage {
  const record = asMap(raw, path);
  const entityId = optionalString(record.ENTITY_ID, `${path}.ENTITY_ID`) ?? '';
  const fromEntity = DEAL_STAGE_ENTITY.exec(entityId)?.[1];
  const extra = asMap(record.EXTRA, `${path}.EXTRA`);
  return {
    statusId: optionalString(record.STATUS_ID, `${path}.STATUS_ID`) ?? '',
    entityId,
    categoryId: optionalInteger(record.CATEGORY_ID, `${path}.CATEGORY_ID`) ?? Number(fromEntity ?? 0),
    name: optionalString(record.NAME, `${path}.NAME`) ?? '',
    sort: optionalInteger(record.SORT, `${path}.SORT`) ?? 0,
    semantic: parseStageSemantic(record.SEMANTICS) ?? parseStageSemantic(extra.SEMANTICS) ?? 'P',
  };
}

/** The single success stage of a pipeline, if the dictionary has one. */
export function wonStage(stages: readonly Stage[], categoryId: number): Stage | undefined {
  return stages.find((stage) => stage.categoryId === categoryId && stage.semantic === 'S');
}

/** Failure stages of a pipeline (LOSE, APOLOGY, custom failures). */
export function lostStages(stages: readonly Stage[], categoryId: number): Stage[] {
  return stages.filter((stage) => stage.categoryId === categoryId && stage.semantic === 'F');
}

export function semanticOfStage(stages: readonly Stage[], stageId: string): StageSemantic | undefined {
  return stages.find((stage) => stage.statusId === stageId)?.semantic;
}
