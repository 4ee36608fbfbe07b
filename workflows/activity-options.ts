import * as wf from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import { bitrix24TaskQueue } from '../src/temporal/task-queues';

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

/**
 * Notices to managers: worth a few quick tries, never worth holding up a customer's workflow for long. After the
 * last attempt the notice is dropped (and logged); the ledger and discounts do not depend on it.
 */
export const MANAGER_NOTICE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
};

/** Histories from before the per-portal Bitrix24 queue keep scheduling their CRM calls on the workflow's own queue. */
export const BITRIX24_QUEUE_PATCH = 'bitrix24-task-queue';

/** Every Bitrix24 activity names its portal in its one argument, which is how its calls find the portal's queue. */
type PortalActivities<A> = { [K in keyof A]: A[K] extends (request: infer R) => Promise<unknown> ? (R extends { portal: string } ? A[K] : never) : never };

/**
 * Activities that call Bitrix24, scheduled on the portal's own task queue (`bitrix24TaskQueue`), where the worker's
 * `maxTaskQueueActivitiesPerSecond` keeps every process together within the portal's request budget.
 * The queue is chosen per call: the patch is consulted where the command is issued, as replay requires.
 */
export function bitrix24Activities<A extends PortalActivities<A>>(options: ActivityOptions = CRM_CALL): wf.ActivityInterfaceFor<A> {
  const onQueueOf = (portal: string) =>
    wf.proxyActivities<Record<string, (request: unknown) => Promise<unknown>>>(
      wf.patched(BITRIX24_QUEUE_PATCH) ? { ...options, taskQueue: bitrix24TaskQueue(portal) } : options,
    );
  return new Proxy({} as wf.ActivityInterfaceFor<A>, {
    get: (_target, name) => (request: { portal: string }) => onQueueOf(request.portal)[String(name)]!(request),
  });
}
