import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@temporalio/activity';

/**
 * Time an attempt leaves between its own cut-off and the server's start-to-close timeout. Without heartbeats the
 * server's timeout does not stop an attempt: it would run on beside its retry (e.g. after waiting out the portal's
 * rate limiter) and could write a stale value or add a comment the retry has just looked for. Cut off this early,
 * an attempt's last request has ended before the retry (at least one retry interval after the timeout) begins.
 */
export const ATTEMPT_MARGIN_MS = 5_000;

const attemptSignals = new AsyncLocalStorage<AbortSignal>();

/** The signal of the activity attempt running in this async context, if any. */
export function currentAttemptSignal(): AbortSignal | undefined {
  return attemptSignals.getStore();
}

/**
 * Runs `work` with a signal that fires on the attempt's cancellation (heartbeat-delivered, worker shutdown) or
 * `ATTEMPT_MARGIN_MS` before its start-to-close timeout. A plain controller and timer, cleared when the work ends:
 * signals combined with `AbortSignal.any` can be collected before their timeout fires.
 */
async function withinAttempt<T>(work: () => Promise<T>): Promise<T> {
  const context = runningActivity();
  // Called as a plain function (a script or test seeding state): there is no attempt to bound.
  if (context === null) return work();
  const controller = new AbortController();
  const cancel = () => controller.abort(context.cancellationSignal.reason);
  context.cancellationSignal.addEventListener('abort', cancel, { once: true });
  const budgetMs = context.info.startToCloseTimeoutMs - ATTEMPT_MARGIN_MS;
  const timer = budgetMs > 0 ? setTimeout(() => controller.abort(new Error('activity attempt deadline passed')), budgetMs) : undefined;
  try {
    return await attemptSignals.run(controller.signal, work);
  } finally {
    clearTimeout(timer);
    context.cancellationSignal.removeEventListener('abort', cancel);
  }
}

function runningActivity(): Context | null {
  try {
    return Context.current();
  } catch {
    return null;
  }
}

type Activity = (...args: never[]) => Promise<unknown>;

/** Runs every activity with its attempt's signal in scope, where `currentAttemptSignal` (and the Bitrix24 client) find it. */
export function withAttemptDeadlines<A extends Record<string, Activity>>(activities: A): A {
  const bound = Object.entries(activities).map(([name, activity]) => [
    name,
    (...args: Parameters<typeof activity>) => withinAttempt(() => activity(...args)),
  ]);
  return Object.fromEntries(bound) as A;
}
