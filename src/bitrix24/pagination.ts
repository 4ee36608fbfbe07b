import { type Bitrix24Client } from './client';
import { type Command, type Page } from './command';
import { type ListParams } from './methods/list-params';

/** Legacy list methods return at most 50 rows per call. */
export const LIST_PAGE_SIZE = 50;

export type ListCommandBuilder<T> = (params: ListParams) => Command<Page<T>>;

export interface KeysetScanParams {
  filter?: Record<string, unknown>;
  select?: string[];
}

/**
 * Full scan by ascending ID: `order {ID:'ASC'}`, `filter {'>ID': last}`, `start: -1` (no COUNT, stable under
 * concurrent inserts/deletes, unlike offsets). Stops after a short page.
 */
export async function* scanByKeyset<T>(
  client: Bitrix24Client,
  list: ListCommandBuilder<T>,
  idOf: (item: T) => number,
  params: KeysetScanParams = {},
): AsyncGenerator<T, void, undefined> {
  const select = params.select === undefined ? undefined : [...new Set(['ID', ...params.select])];
  let lastId = 0;
  for (;;) {
    const filter = { ...params.filter, '>ID': lastId };
    const page = await client.run(list({ filter, order: { ID: 'ASC' }, start: -1, ...(select === undefined ? {} : { select }) }));
    for (const item of page.items) {
      lastId = Math.max(lastId, idOf(item));
      yield item;
    }
    if (page.items.length < LIST_PAGE_SIZE) return;
  }
}

/** Offset paging that follows `next` until the portal stops sending it. */
export async function* pagesByOffset<T>(
  client: Bitrix24Client,
  list: ListCommandBuilder<T>,
  params: Omit<ListParams, 'start'> = {},
): AsyncGenerator<Page<T>, void, undefined> {
  let start: number | undefined = 0;
  while (start !== undefined) {
    const page: Page<T> = await client.run(list({ ...params, start }));
    yield page;
    start = page.next;
  }
}
