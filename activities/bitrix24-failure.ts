import { ApplicationFailure } from '@temporalio/common';
import { toRetryDescriptor } from '../src/bitrix24';

/**
 * Runs one Bitrix24 call and turns its typed error into a Temporal failure: client errors fail the activity
 * for good, rate and operating limits retry after the delay the portal asked for, the rest retry with back-off.
 */
export async function withBitrix24Failures<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toApplicationFailure(error);
  }
}

export function toApplicationFailure(error: unknown): ApplicationFailure {
  const descriptor = toRetryDescriptor(error);
  // Client errors are already redacted of webhook secrets and tokens.
  const message = error instanceof Error ? error.message : String(error);
  return ApplicationFailure.create({
    message,
    type: descriptor.type,
    nonRetryable: !descriptor.retryable,
    ...(descriptor.nextRetryDelayMs === undefined ? {} : { nextRetryDelay: descriptor.nextRetryDelayMs }),
  });
}
