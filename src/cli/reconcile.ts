import { Command } from 'commander';
import { describeReconciler, triggerReconciler, type ReconcilerStatus } from '../intake/reconciler-schedule';
import { addEngineOptions, engineEnv, type EngineFlags } from './configuration';
import { withTemporalClient } from './temporal-client';

/** `loyalty reconcile now|status`: the portal's reconciler Schedule (created by `loyalty worker` / `loyalty start`). */
export function reconcileCommand(): Command {
  const reconcile = new Command('reconcile')
    .description('the reconciler: re-reads deals modified since its checkpoint, catching events Bitrix24 never delivered')
    .configureHelp({ showGlobalOptions: true });
  addEngineOptions(reconcile, ['temporal', 'portal']);
  reconcile
    .command('now')
    .description('run the reconciler at once (after the run in progress, if any)')
    .addHelpText('after', '\nThe schedule is created by `loyalty worker` or `loyalty start`; this only triggers it.')
    .action(async (_options: unknown, command: Command) => {
      const env = engineEnv(command.optsWithGlobals<EngineFlags>());
      await withTemporalClient(env, async (client) => {
        await triggerReconciler(client, env.portal);
        console.log(`Reconciler triggered for portal "${env.portal}"; \`loyalty reconcile status\` shows its runs.`);
      });
    });
  reconcile
    .command('status')
    .description('interval, look-back, next run and the outcome and checkpoint of recent runs')
    .action(async (_options: unknown, command: Command) => {
      const env = engineEnv(command.optsWithGlobals<EngineFlags>());
      await withTemporalClient(env, async (client) => console.log(renderReconcilerStatus(await describeReconciler(client, env.portal)).join('\n')));
    });
  return reconcile;
}

export function renderReconcilerStatus(status: ReconcilerStatus): string[] {
  const at = (instant: Date | number) => new Date(instant).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'unknown' : `${ms / 1000} s`);
  const lines = [
    `Schedule ${status.scheduleId}${status.paused ? ` (paused${status.note ? `: ${status.note}` : ''})` : ''}`,
    `  every ${seconds(status.everyMs)}, look-back ${seconds(status.input?.lookBackMs)}, batch ${status.input?.batchSize ?? 'unknown'} deals`,
    `  next run ${status.nextRunAt === null ? 'none scheduled' : at(status.nextRunAt)}, ${status.runsTaken} runs so far`,
  ];
  if (status.recentRuns.length === 0) lines.push('  no runs yet: the first scan will reach back from its start');
  for (const run of status.recentRuns) {
    const outcome = run.result === null ? '' : `: ${run.result.dealsSignalled} deals re-read, scanned from ${at(run.result.scannedFromMs)}, checkpoint ${at(run.result.checkpointMs)}`;
    lines.push(`  ${at(run.startedAt)}  ${run.status}${outcome}`);
  }
  return lines;
}
