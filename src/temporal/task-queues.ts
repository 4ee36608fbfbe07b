/** Workflows and non-CRM activities. */
export const LOYALTY_TASK_QUEUE = 'loyalty';

/**
 * Bitrix24 activities run on one queue per portal so that Temporal's `maxTaskQueueActivitiesPerSecond`
 * enforces the portal-wide request budget across every worker process.
 */
export function bitrix24TaskQueue(portal: string): string {
  return `loyalty-bitrix24-${portal}`;
}
