import { AuthError, isBitrix24Error, OverloadError } from './errors';

/**
 * How an activity should surface a failure to Temporal, without this module depending on Temporal:
 * the activity turns it into `ApplicationFailure.create({ type, nonRetryable: !retryable, nextRetryDelay })`.
 */
export interface RetryDescriptor {
  retryable: boolean;
  nextRetryDelayMs?: number;
  type: string;
}

/**
 * Lapsed credentials or permissions, or REST blocked for the portal by Bitrix24, stop every call until an admin or
 * Bitrix24 support fixes the portal; then the same call succeeds. Failing the activity instead would fail the
 * workflows waiting on it, and a deal workflow that fails forgets that its deal was won, so a later loss would
 * never be taken back. The calls wait, slowly, and ops see the cause on the pending activity.
 */
export const PORTAL_BLOCKED_RETRY_MS = 10 * 60_000;

/** Anything that is not a classified Bitrix24 error keeps Temporal's default (retry). */
export function toRetryDescriptor(error: unknown): RetryDescriptor {
  if (!isBitrix24Error(error)) {
    return { retryable: true, type: 'Bitrix24UnclassifiedError' };
  }
  if (error instanceof AuthError || error instanceof OverloadError) {
    return { retryable: true, nextRetryDelayMs: PORTAL_BLOCKED_RETRY_MS, type: error.name };
  }
  const descriptor: RetryDescriptor = { retryable: error.retryable, type: error.name };
  if (error.retryable && error.retryAfterMs !== undefined) descriptor.nextRetryDelayMs = error.retryAfterMs;
  return descriptor;
}
