import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { offlineEvents, type OfflineEventsInput } from '../../workflows/offline-events';
import { PORTAL } from '../temporal/search-attributes';
import { offlineIntakeWorkflowId } from './ids';

export interface OfflineIntakeOptions {
  portal: string;
  taskQueue: string;
  pollIntervalMs: number;
  /** Queue records per poll; default 50, the portal's own default. */
  batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 50;

/** Starts the portal's offline-queue poller unless it already runs (one per portal, whatever starts it). */
export async function ensureOfflineIntake(client: Client, options: OfflineIntakeOptions): Promise<void> {
  if (!Number.isInteger(options.pollIntervalMs) || options.pollIntervalMs < 1000) {
    throw new Error(`offline intake poll interval (ms): must be an integer of at least 1000, got ${options.pollIntervalMs}`);
  }
  const input: OfflineEventsInput = { portal: options.portal, pollIntervalMs: options.pollIntervalMs, batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE };
  await client.workflow.start(offlineEvents, {
    workflowId: offlineIntakeWorkflowId(options.portal),
    taskQueue: options.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [{ key: PORTAL, value: options.portal }],
  });
}

/** Stops the portal's offline-queue poller, when switching back to webhook intake; nothing to do if none runs. */
export async function stopOfflineIntake(client: Client, portal: string): Promise<void> {
  try {
    await client.workflow.getHandle(offlineIntakeWorkflowId(portal)).cancel();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
