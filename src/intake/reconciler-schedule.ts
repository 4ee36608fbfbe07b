import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { reconciler, type ReconcilerInput, type ReconcilerResult } from '../../workflows/reconciler';
import { PORTAL } from '../temporal/search-attributes';
import { reconcilerScheduleId } from './ids';

export interface ReconcilerScheduleOptions {
  portal: string;
  /** Task queue of the loyalty workflows (the reconciler runs there, like the deal workflows it wakes). */
  taskQueue: string;
  everyMs: number;
  lookBackMs: number;
  /** Reach of the very first scan; default one day. */
  firstScanMs?: number;
  /** Deals per activity call; default 200. */
  batchSize?: number;
}

const DEFAULT_FIRST_SCAN_MS = 24 * 60 * 60 * 1000;
const DEFAULT_BATCH_SIZE = 200;

/**
 * Creates the portal's reconciler Schedule, or brings an existing one to these settings, so every worker or
 * engine start may call it. A run still in progress when the next is due makes the schedule skip that one.
 * Updating keeps the schedule's history, so the next run still reads the last run's checkpoint.
 */
export async function ensureReconcilerSchedule(client: Client, options: ReconcilerScheduleOptions): Promise<'created' | 'updated'> {
  validate(options);
  const input: ReconcilerInput = {
    portal: options.portal,
    lookBackMs: options.lookBackMs,
    firstScanMs: options.firstScanMs ?? DEFAULT_FIRST_SCAN_MS,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
  };
  const scheduleId = reconcilerScheduleId(options.portal);
  const spec = { intervals: [{ every: options.everyMs }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: reconciler,
    workflowId: scheduleId,
    taskQueue: options.taskQueue,
    args: [input] as [ReconcilerInput],
    typedSearchAttributes: [{ key: PORTAL, value: options.portal }],
  };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({
    ...previous,
    spec,
    action,
    policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP },
  }));
  return 'updated';
}

function validate(options: ReconcilerScheduleOptions): void {
  const positive = (value: number | undefined, name: string, minimum: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < minimum)) throw new Error(`reconciler ${name}: must be an integer of at least ${minimum}, got ${value}`);
  };
  positive(options.everyMs, 'interval (ms)', 1000);
  positive(options.lookBackMs, 'look-back (ms)', 0);
  positive(options.firstScanMs, 'first scan reach (ms)', 0);
  positive(options.batchSize, 'batch size', 1);
}

/**
 * Runs the reconciler now, outside its interval. A run already in progress finishes first, then this one
 * starts from its checkpoint.
 */
export async function triggerReconciler(client: Client, portal: string): Promise<void> {
  await client.schedule.getHandle(reconcilerScheduleId(portal)).trigger(ScheduleOverlapPolicy.BUFFER_ONE);
}

export interface ReconcilerRun {
  workflowId: string;
  runId: string;
  startedAt: Date;
  status: string;
  result: ReconcilerResult | null;
}

export interface ReconcilerStatus {
  scheduleId: string;
  everyMs: number | null;
  paused: boolean;
  note: string | null;
  input: ReconcilerInput | null;
  nextRunAt: Date | null;
  runsTaken: number;
  /** Oldest first. */
  recentRuns: ReconcilerRun[];
}

/** The schedule as Temporal describes it, with the outcome of each recent run. */
export async function describeReconciler(client: Client, portal: string): Promise<ReconcilerStatus> {
  const scheduleId = reconcilerScheduleId(portal);
  const description = await client.schedule.getHandle(scheduleId).describe();
  const recentRuns: ReconcilerRun[] = [];
  for (const action of description.info.recentActions) {
    const { workflowId, firstExecutionRunId: runId } = action.action.workflow;
    recentRuns.push({ workflowId, runId, startedAt: action.takenAt, ...(await runOutcome(client, workflowId, runId)) });
  }
  const args = description.action.type === 'startWorkflow' ? description.action.args : undefined;
  return {
    scheduleId,
    everyMs: description.spec.intervals?.[0]?.every ?? null,
    paused: description.state.paused,
    note: description.state.note ?? null,
    input: (args?.[0] as ReconcilerInput | undefined) ?? null,
    nextRunAt: description.info.nextActionTimes[0] ?? null,
    runsTaken: description.info.numActionsTaken,
    recentRuns,
  };
}

async function runOutcome(client: Client, workflowId: string, runId: string): Promise<Pick<ReconcilerRun, 'status' | 'result'>> {
  const handle = client.workflow.getHandle<typeof reconciler>(workflowId, runId);
  try {
    const { status } = await handle.describe();
    return { status: status.name, result: status.name === 'COMPLETED' ? await handle.result() : null };
  } catch (error) {
    // Runs older than the namespace's retention are gone from history.
    if (error instanceof WorkflowNotFoundError) return { status: 'EXPIRED', result: null };
    throw error;
  }
}
