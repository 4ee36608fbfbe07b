/** Page metadata of list methods, passed to parsers. */
export interface PageInfo {
  total?: number;
  next?: number;
}

/**
 * One REST method call with its parameters and the parser of its `result` into a typed value. The same
 * command runs alone (`client.run`) or as part of a `batch`.
 */
export interface Command<T> {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  parse(result: unknown, page: PageInfo): T;
}

export type CommandResult<C> = C extends Command<infer T> ? T : never;

export function command<T>(
  method: string,
  params: Record<string, unknown>,
  parse: (result: unknown, page: PageInfo) => T,
): Command<T> {
  return { method, params, parse };
}

/** A command whose result is returned as sent by the portal. */
export function rawCommand(method: string, params: Record<string, unknown> = {}): Command<unknown> {
  return command(method, params, (result) => result);
}

/** A page of a list method. */
export interface Page<T> {
  items: T[];
  /** Row count; 0 when the call skipped counting (`start: -1`). */
  total: number;
  /** Offset of the next page; undefined on the last page. */
  next: number | undefined;
}

/** A `$result[key][path]` back-reference (see `resultRef`), accepted wherever a batch command takes an id. */
export type ResultReference = string & { readonly __resultReference: true };

/** An entity id, or a reference to one produced by an earlier command of the same batch. */
export type IdOrReference = number | ResultReference;
