import { Command } from 'commander';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWebhookClient } from '../bitrix24';
import { loadProgramme } from '../config/load-programme';
import { configureIntake, readIntakeSettings } from '../intake/settings';
import { LOYALTY_TASK_QUEUE } from '../temporal/task-queues';
import { startLoyaltyWorker } from '../worker/loyalty-worker';
import { waitForShutdownSignal } from './shutdown-signal';

interface WorkerOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  webhookUrl?: string;
  rules: string;
  workflowBundle?: string;
}

/** `loyalty worker`: the loyalty worker alone, against an existing Temporal and portal. */
export function workerCommand(): Command {
  return new Command('worker')
    .description('run the loyalty worker against an existing Temporal server and Bitrix24 portal (SIGINT/SIGTERM: graceful stop)')
    .option('--temporal-address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233')
    .option('--namespace <name>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--task-queue <name>', 'task queue of the loyalty workflows', process.env.LOYALTY_TASK_QUEUE ?? LOYALTY_TASK_QUEUE)
    .option('--webhook-url <url>', 'the portal incoming webhook (default: $BITRIX24_WEBHOOK_URL)')
    .option('--rules <file>', 'the loyalty rules file', process.env.LOYALTY_RULES_FILE ?? 'loyalty.config.yaml')
    .option('--workflow-bundle <file>', 'a prebuilt workflow bundle (otherwise bundled at start)', process.env.LOYALTY_WORKFLOW_BUNDLE)
    .action(runLoyaltyWorker);
}

async function runLoyaltyWorker(options: WorkerOptions): Promise<void> {
  const webhookUrl = options.webhookUrl ?? process.env.BITRIX24_WEBHOOK_URL;
  if (!webhookUrl) throw new Error('worker: --webhook-url (or BITRIX24_WEBHOOK_URL) is required');
  const intake = readIntakeSettings(process.env);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const worker = await startLoyaltyWorker({
    temporalAddress: options.temporalAddress,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    bitrix: createWebhookClient({ webhookUrl }),
    programme: loadProgramme(options.rules),
    ...(options.workflowBundle ? { workflowBundlePath: options.workflowBundle } : {}),
  });
  console.log(`Worker polling "${options.taskQueue}" on ${options.temporalAddress}`);
  try {
    const target = { address: options.temporalAddress, namespace: options.namespace };
    for (const line of await configureIntake(target, options.taskQueue, intake)) console.log(line);
    await Promise.race([waitForShutdownSignal(), worker.running.done]);
  } finally {
    await worker.stop();
  }
}
