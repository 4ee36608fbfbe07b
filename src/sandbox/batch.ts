import { type CallEnvironment, callMethod } from './call';
import { type CrmContext } from './crm/context';
import { errorBody, RestError } from './envelope';
import { type CallerAuth, type MethodResult } from './methods/types';
import { parsePhpForm } from './php-form';

export const BATCH_MAX_LENGTH = 50;

type Collections = Record<'result' | 'next' | 'total' | 'time' | 'error', Record<string, unknown>>;

const REFERENCE = /\$(result|next|total|time|error)\[([^\]]+)\]((?:\[[^\]]*\])*)/gi;

function lookup(collections: Collections, kind: string, key: string, path: string): unknown {
  let node: unknown = collections[kind.toLowerCase() as keyof Collections][key];
  for (const [, segment] of path.matchAll(/\[([^\]]*)\]/g)) {
    if (node === null || typeof node !== 'object' || !(segment! in (node as object))) break; // stops at the deepest existing node
    node = (node as Record<string, unknown>)[segment!];
  }
  return node;
}

/** A whole-value reference substitutes the referenced value itself (even an array); otherwise string replacement. */
function substitute(value: unknown, collections: Collections): unknown {
  if (typeof value === 'string') {
    const whole = new RegExp(`^${REFERENCE.source}$`, 'i').exec(value);
    if (whole) return lookup(collections, whole[1]!, whole[2]!, whole[3] ?? '');
    return value.replace(REFERENCE, (_m, kind: string, key: string, path: string) => {
      const found = lookup(collections, kind, key, path);
      return found === null || found === undefined ? '' : typeof found === 'object' ? JSON.stringify(found) : String(found);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, collections));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, collections)]));
  return value;
}

function splitCommand(command: unknown): { method: string; params: Record<string, unknown> } {
  const text = String(command ?? '');
  const q = text.indexOf('?');
  return q === -1 ? { method: text, params: {} } : { method: text.slice(0, q), params: parsePhpForm(text.slice(q + 1)) };
}

/** PHP lists stay lists when the keys are 0..n-1 (cmd sent as an array and nothing skipped). */
function phpArray(map: Record<string, unknown>, fromList: boolean): unknown {
  const keys = Object.keys(map);
  return fromList && keys.every((k, i) => k === String(i)) ? Object.values(map) : map;
}

export function runBatch(env: CallEnvironment, ctx: CrmContext, params: Record<string, unknown>, auth: CallerAuth): MethodResult {
  const upper = Object.fromEntries(Object.entries(params).map(([k, v]) => [k.toUpperCase(), v]));
  const cmd = upper.CMD;
  if (!cmd || typeof cmd !== 'object') throw new RestError(400, 'INVALID_ARG_VALUE', "Parameter 'cmd' must be a non-empty array of commands");
  const halt = upper.HALT === true || upper.HALT === 1 || upper.HALT === '1' || upper.HALT === 'true';
  const fromList = Array.isArray(cmd);
  const collections: Collections = { result: {}, next: {}, total: {}, time: {}, error: {} };
  const entries = Object.entries(cmd as Record<string, unknown>);
  for (const [index, [key, command]] of entries.entries()) {
    if (index >= BATCH_MAX_LENGTH) {
      collections.error[key] = { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' };
      continue;
    }
    const { method, params: rawParams } = splitCommand(command);
    try {
      if (method.toLowerCase() === 'batch') throw new RestError(405, 'ERROR_BATCH_METHOD_NOT_ALLOWED', 'Method is not allowed for batch usage');
      const outcome = callMethod(env, ctx, method, substitute(rawParams, collections) as Record<string, unknown>, auth);
      collections.result[key] = outcome.body.result;
      if (outcome.body.total !== undefined) collections.total[key] = outcome.body.total;
      if (outcome.body.next !== undefined) collections.next[key] = outcome.body.next;
      const start = ctx.now() / 1000;
      collections.time[key] = {
        start, finish: start + outcome.processingSeconds, duration: outcome.processingSeconds, processing: outcome.processingSeconds,
        ...(outcome.operating ? { operating: outcome.operating.operating, operating_reset_at: outcome.operating.operatingResetAt } : {}),
      };
    } catch (error) {
      if (!(error instanceof RestError)) throw error;
      collections.error[key] = errorBody(error);
      if (halt) break;
    }
  }
  return {
    result: {
      result: phpArray(collections.result, fromList),
      result_error: phpArray(collections.error, fromList),
      result_total: phpArray(collections.total, fromList),
      result_next: phpArray(collections.next, fromList),
      result_time: phpArray(collections.time, fromList),
    },
  };
}
