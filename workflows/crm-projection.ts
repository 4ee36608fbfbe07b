import { ActivityFailure, log } from '@temporalio/workflow';

/** After a projection fails for good (contact deleted, webhook revoked), it is tried again this much later. */
export const PROJECTION_RETRY_MS = 60 * 60 * 1000;

/**
 * Runs a CRM write of a customer's workflow. The workflow's own state is the truth and the CRM only mirrors
 * it, so a write the portal refuses must not end the workflow (and with it the ledger): the failure is logged
 * and the caller tries again later. Returns whether the write went through.
 */
export async function projectSafely(write: () => Promise<void>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.warn('CRM projection failed; the workflow keeps its state and retries later', { cause: error.cause?.message ?? error.message });
    return false;
  }
}
