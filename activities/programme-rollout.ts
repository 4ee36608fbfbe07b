import { CancelledFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { PORTAL_KEY_PATTERN, PORTAL_KEY_RULE } from '../src/config/portal-key';
import type { Programme } from '../src/domain/programme';
import { PORTAL } from '../src/temporal/search-attributes';
import { programmeChangedSignal as birthdayProgrammeChanged } from '../workflows/birthday';
import { programmeChangedSignal as cashbackProgrammeChanged } from '../workflows/cashback';
import { programmeChangedSignal as purchasesProgrammeChanged } from '../workflows/purchases';
import { programmeChangedSignal as referralProgrammeChanged } from '../workflows/referral';
import { signalIfRunning } from '../src/temporal/workflow-messages';

/** The long-lived workflow types that hold rules, by type name, with the signal that replaces them. */
export const RULE_HOLDING_WORKFLOWS: Readonly<Record<string, SignalDefinition<[Programme]>>> = {
  cashback: cashbackProgrammeChanged,
  purchases: purchasesProgrammeChanged,
  referral: referralProgrammeChanged,
  birthday: birthdayProgrammeChanged,
};

export interface ProgrammeRolloutRequest {
  portal: string;
  programme: Programme;
}

export interface ProgrammeRolloutOutcome {
  /** Running workflows told of the programme (those already holding it ignore it). */
  signalled: number;
  /** Listed as running but closed before the signal reached them: their successors start with the new rules. */
  closed: number;
}

/** Heartbeat details: a retry resumes after the last page whose workflows were all signalled. */
interface RolloutProgress extends ProgrammeRolloutOutcome {
  pagesDone: number;
  /** Visibility page token of the next page (base64), null once the last page is done. */
  nextPageToken: string | null;
}

export interface ProgrammeRolloutActivities {
  /** Signals `programmeChanged` to every running rule-holding workflow of the portal, page by page. */
  signalProgrammeChanged(request: ProgrammeRolloutRequest): Promise<ProgrammeRolloutOutcome>;
}

const DEFAULT_PAGE_SIZE = 100;

export function createProgrammeRolloutActivities(deps: { client: Client; pageSize?: number }): ProgrammeRolloutActivities {
  const { client } = deps;
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;

  async function signalOne(workflowId: string, workflowType: string, programme: Programme): Promise<boolean> {
    const signal = RULE_HOLDING_WORKFLOWS[workflowType];
    if (signal === undefined) throw new Error(`programme rollout: workflow ${workflowId} has type ${workflowType}, which holds no rules`);
    return signalIfRunning(client, workflowId, signal, programme);
  }

  return {
    async signalProgrammeChanged({ portal, programme }) {
      const context = Context.current();
      let progress = resumedProgress(context.info.heartbeatDetails);
      const query = runningRuleHoldersQuery(portal);
      while (progress.pagesDone === 0 || progress.nextPageToken !== null) {
        if (context.cancellationSignal.aborted) throw new CancelledFailure('programme rollout cancelled');
        const page = await client.workflowService.listWorkflowExecutions({
          namespace: client.options.namespace,
          query,
          pageSize,
          ...(progress.nextPageToken === null ? {} : { nextPageToken: Buffer.from(progress.nextPageToken, 'base64') }),
        });
        const delivered = await Promise.all(
          (page.executions ?? []).map((execution) => signalOne(execution.execution?.workflowId ?? '', execution.type?.name ?? '', programme)),
        );
        const signalled = delivered.filter(Boolean).length;
        const token = page.nextPageToken && page.nextPageToken.length > 0 ? Buffer.from(page.nextPageToken).toString('base64') : null;
        progress = {
          pagesDone: progress.pagesDone + 1,
          nextPageToken: token,
          signalled: progress.signalled + signalled,
          closed: progress.closed + delivered.length - signalled,
        };
        context.heartbeat(progress);
      }
      return { signalled: progress.signalled, closed: progress.closed };
    },
  };
}

/** The portal's running workflows of the rule-holding types. */
export function runningRuleHoldersQuery(portal: string): string {
  const types = Object.keys(RULE_HOLDING_WORKFLOWS).map((type) => `'${type}'`).join(', ');
  return `${portalClause(portal)} AND ExecutionStatus = 'Running' AND WorkflowType IN (${types})`;
}

/** A visibility condition on the portal; the portal key rule keeps quotes out of the query. */
export function portalClause(portal: string): string {
  if (!PORTAL_KEY_PATTERN.test(portal)) throw new Error(`programme rollout: portal key "${portal}" ${PORTAL_KEY_RULE}`);
  return `${PORTAL.name} = '${portal}'`;
}

function resumedProgress(details: unknown): RolloutProgress {
  const fresh: RolloutProgress = { pagesDone: 0, nextPageToken: null, signalled: 0, closed: 0 };
  if (typeof details !== 'object' || details === null) return fresh;
  const candidate = details as Partial<RolloutProgress>;
  const counts = [candidate.pagesDone, candidate.signalled, candidate.closed];
  if (!counts.every((count) => Number.isSafeInteger(count)) || !(candidate.nextPageToken === null || typeof candidate.nextPageToken === 'string')) return fresh;
  return candidate as RolloutProgress;
}
