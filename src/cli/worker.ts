import { Command } from 'commander';
import { configureIntake, readIntakeSettings, requireIntakeAccess } from '../intake/settings';
import { startLoyaltyWorker } from '../worker/loyalty-worker';
import { readPortalRate } from '../worker/portal-plan';
import { installWorkerRuntime, readWorkerProcessSettings } from '../worker/production';
import { connectAtStart } from './connect-at-start';
import { addEngineOptions, configured, engineEnv, engineProgramme, type EngineFlags } from './configuration';
import { portalClient } from './portal-client';
import { waitForShutdownSignal } from './shutdown-signal';

interface WorkerOptions extends EngineFlags {
  workflowBundle?: string;
}

/** `loyalty worker`: the loyalty worker alone, against an existing Temporal and portal. */
export function workerCommand(): Command {
  const command = new Command('worker')
    .description('run the loyalty worker against an existing Temporal server and Bitrix24 portal (SIGINT/SIGTERM: graceful stop)')
    .option('--workflow-bundle <file>', 'a prebuilt workflow bundle (default: $LOYALTY_WORKFLOW_BUNDLE; otherwise bundled at start)');
  return addEngineOptions(command, ['temporal', 'portal', 'taskQueue', 'webhook', 'rules']).action(runLoyaltyWorker);
}

async function runLoyaltyWorker(options: WorkerOptions): Promise<void> {
  const env = engineEnv(options, { portalAccess: true }, { workflowBundle: options.workflowBundle });
  const programme = engineProgramme(env);
  const intake = configured(() => requireIntakeAccess(readIntakeSettings(process.env), env.bitrix24.access?.mode ?? 'webhook'));
  const portalRate = configured(() => readPortalRate(process.env));
  // JSON logs, Prometheus metrics and LOYALTY_WORKER_* limits: the same production settings as the container.
  const processSettings = configured(() => readWorkerProcessSettings(process.env));
  const stopRequested = waitForShutdownSignal();
  const temporal = await connectAtStart(env.temporalConnection, stopRequested);
  if (temporal === null) return;
  try {
    installWorkerRuntime(processSettings);
    const worker = await startLoyaltyWorker({
      temporalAddress: env.temporal.address,
      temporalConnection: env.temporalConnection,
      clientConnection: temporal,
      tuning: processSettings.tuning,
      namespace: env.temporal.namespace,
      taskQueue: env.taskQueue,
      portal: env.portal,
      bitrix24ActivitiesPerSecond: portalRate.activitiesPerSecond,
      bitrix: portalClient(env.bitrix24.access, { limits: portalRate.limits }),
      programme,
      ...(env.workflowBundle === null ? {} : { workflowBundlePath: env.workflowBundle }),
    });
    console.log(`Worker polling "${env.taskQueue}" on ${env.temporal.address}`);
    try {
      const target = { address: env.temporal.address, namespace: env.temporal.namespace, connection: env.temporalConnection };
      for (const line of await configureIntake(target, env.taskQueue, intake)) console.log(line);
      await Promise.race([stopRequested, worker.running.done]);
    } finally {
      await worker.stop();
    }
  } finally {
    await temporal.close();
  }
}
