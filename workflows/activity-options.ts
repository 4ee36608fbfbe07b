import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Bitrix24 calls. Attempts are short, so a worker that dies mid-call is noticed soon and the next attempt
 * starts over (every CRM write is absolute or looked up first); back-off grows to the portal's scale.
 */
export const CRM_CALL: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
};

/** Messages to other workflows through the Temporal client: quick, and retried quickly. */
export const WORKFLOW_MESSAGE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};
