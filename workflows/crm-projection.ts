import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';

/** After a projection fails for good (contact deleted, webhook revoked), it is tried again this much later. */
export const PROJECTION_RETRY_MS = 60 * 60 * 1000;

/**
 * Runs a CRM write of a customer's workflow. The workflow's own state is the truth and the CRM only mirrors
 * it, so a write the portal refuses must not end the workflow (and with it the ledger): the failure is logged
 * and the caller tries again later. Returns whether the write went through.
 */
export async function projectSafely(write: () => Promise<void>): Promise<boolean> {
  return (await projectReporting(write)) === 'written';
}

/** `gone`: the portal no longer has the record (the contact was deleted), so no later attempt can succeed either. */
export type ProjectionOutcome = 'written' | 'refused' | 'gone';

/** `projectSafely`, telling a refusal that may pass from a record that is gone. */
export async function projectReporting(write: () => Promise<void>): Promise<ProjectionOutcome> {
  try {
    await write();
    return 'written';
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.warn('CRM projection failed; the workflow keeps its state and retries later', { cause: error.cause?.message ?? error.message });
    return error.cause instanceof ApplicationFailure && error.cause.type === 'NotFoundError' ? 'gone' : 'refused';
  }
}
