import path from 'node:path';
import { Command } from 'commander';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWebhookClient, setupPortal } from '../bitrix24';
import { loadProgramme } from '../config/load-programme';
import { configureIntake, readIntakeSettings } from '../intake/settings';
import { startSandbox, type SandboxHandle } from '../sandbox';
import { startDevServer, type RunningDevServer } from '../temporal/dev-server';
import { LOYALTY_TASK_QUEUE } from '../temporal/task-queues';
import { resolveDevServer } from '../temporal/tools';
import { startLoyaltyWorker } from '../worker/loyalty-worker';
import { waitForShutdownSignal } from './shutdown-signal';

interface StartOptions {
  temporalAddress?: string;
  namespace: string;
  devPort: number;
  devUiPort: number;
  dataDir: string;
  webhookUrl?: string;
  rules: string;
}

/** Everything on one machine: Temporal (embedded dev server unless an address is given), the portal, the worker. */
export function startCommand(): Command {
  return new Command('start')
    .description('run the engine: embedded Temporal dev server with Web UI, sandbox portal and worker (Ctrl-C stops all)')
    .option('--temporal-address <host:port>', 'use this Temporal frontend instead of the embedded dev server', process.env.TEMPORAL_ADDRESS)
    .option('--namespace <name>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--dev-port <port>', 'embedded dev server gRPC port', parsePort, Number(process.env.LOYALTY_DEV_SERVER_PORT ?? 7233))
    .option('--dev-ui-port <port>', 'embedded dev server Web UI port', parsePort, Number(process.env.LOYALTY_DEV_UI_PORT ?? 8233))
    .option('--data-dir <dir>', 'where the embedded dev server keeps its database', process.env.LOYALTY_DATA_DIR ?? path.join('.tools', 'data'))
    .option('--webhook-url <url>', 'a real portal incoming webhook instead of the sandbox (default: $BITRIX24_WEBHOOK_URL)')
    .option('--rules <file>', 'the loyalty rules file', process.env.LOYALTY_RULES_FILE ?? 'loyalty.config.yaml')
    .action(runEngine);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`port must be 1-65535, got "${value}"`);
  return port;
}

async function runEngine(options: StartOptions): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stops: (() => Promise<void>)[] = [];
  const programme = loadProgramme(options.rules);
  const intake = readIntakeSettings(process.env);
  try {
    const temporal = await connectTemporal(options, stops);
    const webhookUrl = await portalWebhook(options, stops);
    const bitrix = createWebhookClient({ webhookUrl });
    await setupPortal(bitrix, { log: () => undefined });

    const worker = await startLoyaltyWorker({
      temporalAddress: temporal.address,
      namespace: options.namespace,
      taskQueue: LOYALTY_TASK_QUEUE,
      bitrix,
      programme,
    });
    stops.push(() => worker.stop());
    console.log(`Worker polling task queue "${LOYALTY_TASK_QUEUE}" in namespace "${options.namespace}"`);
    const target = { address: temporal.address, namespace: options.namespace };
    for (const line of await configureIntake(target, LOYALTY_TASK_QUEUE, intake)) console.log(line);
    console.log('Engine running. Press Ctrl-C to stop.');
    await Promise.race([waitForShutdownSignal(), worker.running.done]);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
    console.log('Engine stopped.');
  }
}

async function connectTemporal(options: StartOptions, stops: (() => Promise<void>)[]): Promise<{ address: string }> {
  if (options.temporalAddress) {
    console.log(`Temporal: ${options.temporalAddress} (namespace ${options.namespace})`);
    return { address: options.temporalAddress };
  }
  const resolved = resolveDevServer();
  if (resolved.executable.type !== 'existing-path') {
    throw new Error('Temporal CLI not found: run `bash scripts/temporal-tools.sh` or set TEMPORAL_ADDRESS');
  }
  const server: RunningDevServer = await startDevServer({
    executable: resolved.executable.path,
    port: options.devPort,
    uiPort: options.devUiPort,
    dbFile: path.resolve(options.dataDir, 'temporal-dev.db'),
    namespace: options.namespace,
  });
  stops.push(() => server.stop());
  console.log(`Temporal dev server: ${server.address}`);
  console.log(`Temporal Web UI:     ${server.uiUrl}`);
  return server;
}

async function portalWebhook(options: StartOptions, stops: (() => Promise<void>)[]): Promise<string> {
  const webhookUrl = options.webhookUrl ?? process.env.BITRIX24_WEBHOOK_URL;
  if (webhookUrl) {
    console.log('Bitrix24: the portal of the configured incoming webhook');
    return webhookUrl;
  }
  const sandbox: SandboxHandle = await startSandbox({ snapshotFile: path.resolve(options.dataDir, 'sandbox-portal.json') });
  stops.push(() => sandbox.stop());
  console.log(`Sandbox Bitrix24 portal: ${sandbox.baseUrl} (webhook ${sandbox.webhookUrl})`);
  return sandbox.webhookUrl;
}
