import { Client, Connection } from '@temporalio/client';
import { Command } from 'commander';
import { describeReconciler, triggerReconciler, type ReconcilerStatus } from '../intake/reconciler-schedule';

interface ReconcileOptions {
  temporalAddress: string;
  namespace: string;
  portal: string;
}

/** `loyalty reconcile now|status`: the portal's reconciler Schedule (created by `loyalty worker` / `loyalty start`). */
export function reconcileCommand(): Command {
  const reconcile = new Command('reconcile')
    .description('the reconciler: re-reads deals modified since its checkpoint, catching events Bitrix24 never delivered')
    .configureHelp({ showGlobalOptions: true })
    .option('--temporal-address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233')
    .option('--namespace <name>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--portal <key>', 'portal key used in workflow ids', process.env.LOYALTY_PORTAL ?? 'sandbox');
  reconcile
    .command('now')
    .description('run the reconciler at once (after the run in progress, if any)')
    .addHelpText('after', '\nThe schedule is created by `loyalty worker` or `loyalty start`; this only triggers it.')
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ReconcileOptions>();
      await withClient(options, async (client) => {
        await triggerReconciler(client, options.portal);
        console.log(`Reconciler triggered for portal "${options.portal}"; \`loyalty reconcile status\` shows its runs.`);
      });
    });
  reconcile
    .command('status')
    .description('interval, look-back, next run and the outcome and checkpoint of recent runs')
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ReconcileOptions>();
      await withClient(options, async (client) => console.log(renderReconcilerStatus(await describeReconciler(client, options.portal)).join('\n')));
    });
  return reconcile;
}

async function withClient(options: ReconcileOptions, use: (client: Client) => Promise<void>): Promise<void> {
  const connection = await Connection.connect({ address: options.temporalAddress });
  try {
    await use(new Client({ connection, namespace: options.namespace }));
  } finally {
    await connection.close();
  }
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
