import { stringify } from 'qs';
import { type Bitrix24Client } from './client';
import { type Command, type CommandResult, type ResultReference } from './command';
import { isRecord, parseTime } from './envelope';
import { classifyError } from './error-classification';
import { type Bitrix24Error, OperationTimeLimitError, UnexpectedResponseError, ValidationError } from './errors';
import { redactText } from './redact';

/** The portal runs at most 50 commands per `batch` call. */
export const BATCH_MAX_COMMANDS = 50;

export type CommandOutcome<T> =
  | { status: 'ok'; value: T; total?: number; next?: number }
  | { status: 'error'; error: Bitrix24Error }
  /** Not executed: an earlier command failed and the batch ran with `halt`. */
  | { status: 'skipped' };

export type BatchOutcomes<C extends Record<string, Command<unknown>>> = { [K in keyof C]: CommandOutcome<CommandResult<C[K]>> };

export interface BatchOptions {
  /** Stop at the first failing command (also skips later chunks). */
  halt?: boolean;
}

const COMMAND_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REFERENCE = /\$(?:result|next|total|time|error)\[([^\]]+)\]/gi;

/**
 * `$result[key][path]…`: substituted by the portal with (part of) an earlier command's result. Pass it
 * as a whole parameter value to receive the referenced value itself (even an array).
 */
export function resultRef(key: string, ...path: (string | number)[]): ResultReference {
  return `$result[${key}]${path.map((segment) => `[${segment}]`).join('')}` as ResultReference;
}

/** `method?query` with PHP bracket nesting (`fields[TITLE]=…`, `rows[0][PRICE]=…`); keys and values URL-encoded (keys hold filter prefixes like `%`). */
export function encodeCommand(cmd: Command<unknown>): string {
  const query = stringify(cmd.params, { arrayFormat: 'indices' });
  return query === '' ? cmd.method : `${cmd.method}?${query}`;
}

/** Keys of earlier commands a command's parameters refer to. */
export function referencedKeys(cmd: Command<unknown>): string[] {
  const keys = new Set<string>();
  for (const match of encodeURIComponentSafeDecode(encodeCommand(cmd)).matchAll(REFERENCE)) {
    if (match[1] !== undefined) keys.add(match[1]);
  }
  return [...keys];
}

function encodeURIComponentSafeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function batchValidationError(description: string): ValidationError {
  return new ValidationError({ method: 'batch', code: '', description });
}

/** Splits into chunks of ≤ 50, refusing references that would cross a chunk boundary or point forward. */
export function planChunks(entries: readonly (readonly [string, Command<unknown>])[]): (readonly [string, Command<unknown>])[][] {
  const chunks: (readonly [string, Command<unknown>])[][] = [];
  const seen = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const [key, cmd] = entry;
    if (!COMMAND_KEY.test(key)) throw batchValidationError(`command key '${key}' must match ${COMMAND_KEY.source}`);
    if (seen.has(key)) throw batchValidationError(`command key '${key}' is used twice`);
    if (cmd.method.toLowerCase() === 'batch') throw batchValidationError(`command '${key}': batch cannot be nested`);
    const chunkIndex = Math.floor(index / BATCH_MAX_COMMANDS);
    if (index % BATCH_MAX_COMMANDS === 0) chunks.push([]);
    const chunk = chunks[chunkIndex];
    if (chunk === undefined) throw new Error('unreachable: chunk allocated above');
    for (const ref of referencedKeys(cmd)) {
      if (!chunk.some(([earlier]) => earlier === ref)) {
        throw batchValidationError(
          `command '${key}' references '${ref}', which is not an earlier command of the same ${BATCH_MAX_COMMANDS}-command chunk`,
        );
      }
    }
    seen.add(key);
    chunk.push(entry);
  }
  return chunks;
}

function readMap(result: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = result[name];
  return isRecord(value) ? value : {};
}

function outcomeOf(client: Bitrix24Client, key: string, cmd: Command<unknown>, maps: Record<string, Record<string, unknown>>): CommandOutcome<unknown> {
  const errorBody = maps.result_error?.[key];
  if (isRecord(errorBody)) {
    const code = typeof errorBody.error === 'string' ? errorBody.error : '';
    const description = typeof errorBody.error_description === 'string' ? redactText(errorBody.error_description, client.auth.secrets()) : '';
    const details = { method: cmd.method, code, description };
    const error = classifyError(details);
    if (!(error instanceof OperationTimeLimitError)) return { status: 'error', error };
    // The command's own method is over its time budget: paused client-side, and retried no sooner than it resets.
    const pauseMs = client.reportOperatingLimit(cmd.method);
    return { status: 'error', error: classifyError({ ...details, ...(pauseMs === undefined ? {} : { retryAfterMs: Math.ceil(pauseMs) }) }) };
  }
  if (!(key in (maps.result ?? {}))) return { status: 'skipped' };
  client.observeOperating(cmd.method, parseTime(maps.result_time?.[key]));
  const total = Number(maps.result_total?.[key]);
  const next = Number(maps.result_next?.[key]);
  const page = { ...(Number.isFinite(total) ? { total } : {}), ...(Number.isFinite(next) ? { next } : {}) };
  try {
    return { status: 'ok', value: cmd.parse(maps.result?.[key], page), ...page };
  } catch (error) {
    return { status: 'error', error: new UnexpectedResponseError({ method: cmd.method, code: '', description: `command '${key}' result: ${(error as Error).message}` }) };
  }
}

async function runChunk(
  client: Bitrix24Client,
  chunk: readonly (readonly [string, Command<unknown>])[],
  halt: boolean,
): Promise<Map<string, CommandOutcome<unknown>>> {
  const cmd: Record<string, string> = {};
  for (const [key, command] of chunk) cmd[key] = encodeCommand(command);
  const methods = [...new Set(chunk.map(([, command]) => command.method))];
  const envelope = await client.callEnvelope('batch', { halt: halt ? 1 : 0, cmd }, methods);
  const result = isRecord(envelope.result) ? envelope.result : {};
  const maps: Record<string, Record<string, unknown>> = {};
  for (const name of ['result', 'result_error', 'result_total', 'result_next', 'result_time']) maps[name] = readMap(result, name);
  return new Map(chunk.map(([key, command]) => [key, outcomeOf(client, key, command, maps)]));
}

/** Runs commands in `batch` calls of ≤ 50, in key order, returning one typed outcome per key. */
export async function runBatch<C extends Record<string, Command<unknown>>>(
  client: Bitrix24Client,
  commands: C,
  options: BatchOptions = {},
): Promise<BatchOutcomes<C>> {
  const halt = options.halt ?? false;
  const outcomes: Record<string, CommandOutcome<unknown>> = {};
  let halted = false;
  for (const chunk of planChunks(Object.entries(commands))) {
    const chunkOutcomes: Map<string, CommandOutcome<unknown>> = halted ? new Map() : await runChunk(client, chunk, halt);
    for (const [key] of chunk) outcomes[key] = chunkOutcomes.get(key) ?? { status: 'skipped' };
    halted = halt && [...chunkOutcomes.values()].some((outcome) => outcome.status !== 'ok');
  }
  return outcomes as BatchOutcomes<C>;
}

/** Runs a list of similar commands (keys `c0`, `c1`, …) and returns outcomes in the same order. */
export async function runBatchList<T>(client: Bitrix24Client, commands: readonly Command<T>[], options: BatchOptions = {}): Promise<CommandOutcome<T>[]> {
  const keyed: Record<string, Command<T>> = {};
  commands.forEach((cmd, index) => {
    keyed[`c${index}`] = cmd;
  });
  const outcomes = await runBatch(client, keyed, options);
  return commands.map((_, index) => outcomes[`c${index}`] ?? { status: 'skipped' });
}

/** The value of a successful outcome; throws the command's typed error otherwise. */
export function unwrap<T>(outcome: CommandOutcome<T>, key = 'command'): T {
  if (outcome.status === 'ok') return outcome.value;
  if (outcome.status === 'error') throw outcome.error;
  throw batchValidationError(`${key} was skipped because an earlier command failed`);
}
