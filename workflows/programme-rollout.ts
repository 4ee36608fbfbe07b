import * as wf from '@temporalio/workflow';
import type { ProgrammeRolloutActivities, ProgrammeRolloutOutcome } from '../activities/programme-rollout';
import type { Programme } from '../src/domain/programme';

export interface ProgrammeRolloutInput {
  portal: string;
  programme: Programme;
}

/**
 * Signalling a whole portal takes as long as it takes: the activity heartbeats after every page, so a retry
 * (worker restart, timeout) resumes after the last page it finished instead of starting over.
 */
const { signalProgrammeChanged } = wf.proxyActivities<ProgrammeRolloutActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

/**
 * Brings one programme to the portal's running workflows (id `programmeRolloutWorkflowId(portal, fingerprint)`,
 * started by the worker at start, see src/worker/programme-rollout.ts): every cashback, purchases, referral and
 * birthday workflow gets `programmeChanged` and adopts the rules; one that already holds them ignores it.
 */
export async function programmeRollout(input: ProgrammeRolloutInput): Promise<ProgrammeRolloutOutcome> {
  return signalProgrammeChanged({ portal: input.portal, programme: input.programme });
}
