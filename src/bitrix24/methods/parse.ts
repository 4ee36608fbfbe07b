import { type Page, type PageInfo } from '../command';
import { asList, flag, optionalInteger, ResponseShapeError } from '../normalize';

export function parseRows<T>(result: unknown, parseRow: (raw: unknown, path: string) => T): T[] {
  return asList(result, 'result').map((row, index) => parseRow(row, `result[${index}]`));
}

export function parsePage<T>(result: unknown, page: PageInfo, parseRow: (raw: unknown, path: string) => T): Page<T> {
  return { items: parseRows(result, parseRow), total: page.total ?? 0, next: page.next };
}

/** Methods answering `true` on success. */
export function parseTrue(result: unknown): true {
  if (!flag(result, 'result')) throw new ResponseShapeError('result', 'true', result);
  return true;
}

export function parseId(result: unknown): number {
  const id = optionalInteger(result, 'result');
  if (id === null || id <= 0) throw new ResponseShapeError('result', 'a positive id', result);
  return id;
}
