import { type Client, type WorkflowExecutionInfo, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { portalClause } from '../../activities/programme-rollout';
import { programmeRollout } from '../../workflows/programme-rollout';
import type { Programme } from '../domain/programme';
import { programmeFingerprint } from '../domain/programme-fingerprint';
import { PORTAL } from '../temporal/search-attributes';
import { programmeRolloutWorkflowId } from '../temporal/workflow-ids';

export interface ProgrammeRolloutOptions {
  portal: string;
  /** Task queue of the loyalty workflows: the rollout runs there. */
  taskQueue: string;
  programme: Programme;
}

export interface ProgrammeRolloutStart {
  workflowId: string;
  /** False when this programme is already the portal's latest rollout (running or done): nothing to do. */
  started: boolean;
  /** Rollouts of other programmes that were still running: stopped, so their signals cannot land after these rules. */
  superseded: string[];
}

/**
 * Called at every worker start: rolls the worker's programme out to the portal's running workflows unless it is
 * already the portal's latest rollout. Going back to an earlier programme rolls that one out again, since workflows
 * hold the rules in between.
 */
export async function startProgrammeRollout(client: Client, options: ProgrammeRolloutOptions): Promise<ProgrammeRolloutStart> {
  const { portal, taskQueue, programme } = options;
  const fingerprint = programmeFingerprint(programme);
  const workflowId = programmeRolloutWorkflowId(portal, fingerprint);
  const rollouts = await portalRollouts(client, portal);
  const superseded = rollouts.filter((rollout) => rollout.status.name === 'RUNNING' && rollout.workflowId !== workflowId).map((rollout) => rollout.workflowId);
  for (const id of superseded) await terminateIfRunning(client, id, `superseded by ${workflowId}`);

  const latest = newestOf(rollouts);
  if (latest?.workflowId === workflowId && (latest.status.name === 'RUNNING' || latest.status.name === 'COMPLETED')) return { workflowId, started: false, superseded };
  try {
    await client.workflow.start(programmeRollout, {
      workflowId,
      taskQueue,
      args: [{ portal, programme }],
      // A failed or terminated run of the same rules, or a return to them after others, starts afresh.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [{ key: PORTAL, value: portal }],
      staticSummary: `programme ${fingerprint} to the running workflows of portal ${portal}`,
    });
    return { workflowId, started: true, superseded };
  } catch (error) {
    // Another worker of the portal started the same rollout a moment ago.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false, superseded };
    throw error;
  }
}

async function portalRollouts(client: Client, portal: string): Promise<WorkflowExecutionInfo[]> {
  const rollouts: WorkflowExecutionInfo[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowType = '${programmeRollout.name}' AND ${portalClause(portal)}` })) rollouts.push(execution);
  return rollouts;
}

function newestOf(executions: readonly WorkflowExecutionInfo[]): WorkflowExecutionInfo | undefined {
  return executions.reduce<WorkflowExecutionInfo | undefined>((newest, execution) => (newest === undefined || execution.startTime > newest.startTime ? execution : newest), undefined);
}

async function terminateIfRunning(client: Client, workflowId: string, reason: string): Promise<void> {
  try {
    await client.workflow.getHandle(workflowId).terminate(reason);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
