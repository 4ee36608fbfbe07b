import { isBitrix24Error } from './errors';

/**
 * How an activity should surface a failure to Temporal, without this module depending on Temporal:
 * the activity turns it into `ApplicationFailure.create({ type, nonRetryable: !retryable, nextRetryDelay })`.
 */
export interface RetryDescriptor {
  retryable: boolean;
  nextRetryDelayMs?: number;
  type: string;
}

/** Anything that is not a classified Bitrix24 error keeps Temporal's default (retry). */
export function toRetryDescriptor(error: unknown): RetryDescriptor {
  if (!isBitrix24Error(error)) {
    return { retryable: true, type: 'Bitrix24UnclassifiedError' };
  }
  const descriptor: RetryDescriptor = { retryable: error.retryable, type: error.name };
  if (error.retryable && error.retryAfterMs !== undefined) descriptor.nextRetryDelayMs = error.retryAfterMs;
  return descriptor;
}
