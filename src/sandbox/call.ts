import { performance } from 'node:perf_hooks';
import { type CrmContext } from './crm/context';
import { type OperatingInfo, RestError, methodNotFound } from './envelope';
import { type OperatingLimiter } from './limits/operating';
import { findMethod, normaliseParams } from './methods/registry';
import { type CallerAuth, type MethodResult } from './methods/types';
import { type OAuthApp } from './types';

export interface CallOutcome {
  body: MethodResult;
  processingSeconds: number;
  operating?: OperatingInfo;
}

export interface CallEnvironment {
  operating: OperatingLimiter | null;
  operatingCost: (method: string) => number;
  app(clientId: string): OAuthApp;
}

export const credentialKey = (auth: CallerAuth): string => (auth.kind === 'app' ? `app:${auth.clientId}` : `webhook:${auth.userId}`);

/**
 * Runs one REST method (a top-level call or a batch sub-command) with its own operating-time accounting:
 * blocked methods answer 429 before running; the emulated execution time is the measured handler time
 * plus the configured per-method cost.
 */
export function callMethod(env: CallEnvironment, ctx: CrmContext, method: string, rawParams: Record<string, unknown>, auth: CallerAuth): CallOutcome {
  const name = method.toLowerCase();
  const def = findMethod(name);
  if (!def) throw methodNotFound();
  if (def.appOnly && auth.kind !== 'app') throw new RestError(403, 'ACCESS_DENIED', 'Application context required');
  const key = `${name}|${credentialKey(auth)}`;
  if (env.operating) {
    const status = env.operating.check(key);
    if (status.blocked) {
      throw new RestError(429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.', {
        time: { operating: status.operating, operating_reset_at: status.operatingResetAt },
      });
    }
  }
  const started = performance.now();
  const account = (): { processingSeconds: number; operating?: OperatingInfo } => {
    const processingSeconds = (performance.now() - started) / 1000;
    return { processingSeconds, operating: env.operating?.record(key, processingSeconds + env.operatingCost(name)) };
  };
  let body: MethodResult;
  try {
    body = def.run({ ctx, params: normaliseParams(def, rawParams), auth, app: env.app });
  } catch (error) {
    account();
    throw error;
  }
  return { body, ...account() };
}
