/** `order`/`filter`/`select`/`start` of legacy list methods. Filter keys carry prefixes: `>ID`, `@ID`, `%TITLE`… */
export interface ListParams {
  filter?: Record<string, unknown>;
  select?: string[];
  order?: Record<string, 'ASC' | 'DESC'>;
  /** Offset (multiples of 50), or -1 to skip counting (keyset scans). */
  start?: number;
}

export function listParams(params: ListParams): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  if (params.filter !== undefined) wire.filter = params.filter;
  if (params.select !== undefined) wire.select = params.select;
  if (params.order !== undefined) wire.order = params.order;
  if (params.start !== undefined) wire.start = params.start;
  return wire;
}
