import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { Command } from 'commander';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { type Bitrix24Client, LOYALTY_EVENTS, setupPortal } from '../bitrix24';
import { EVENTS_PATH, readBridgePortals, startBridge, type PortalConfig } from '../bridge';
import type { EngineEnv } from '../config/env';
import type { Programme } from '../domain/programme';
import { playDemoStoryOnce } from '../demo/play-once';
import { createJsonLogger } from '../observability/logger';
import { configureIntake, readIntakeSettings, requireIntakeAccess } from '../intake/settings';
import { startSandbox, type OutgoingWebhook, type SandboxHandle } from '../sandbox';
import { connectToTemporal, type TemporalConnectionOptions } from '../temporal/connection';
import { startDevServer, type RunningDevServer } from '../temporal/dev-server';
import { resolveDevServer } from '../temporal/tools';
import { startLoyaltyWorker } from '../worker/loyalty-worker';
import { type PortalRate, readPortalRate } from '../worker/portal-plan';
import { localAdminToken, runAdminApi } from './admin';
import { connectAtStart } from './connect-at-start';
import { addEngineOptions, configured, engineEnv, engineProgramme, type EngineFlags } from './configuration';
import { installationsOf, portalClient } from './portal-client';
import { lazyTemporalClient } from './temporal-client';
import { waitForShutdownSignal } from './shutdown-signal';

interface StartOptions extends EngineFlags {
  devPort?: string;
  devUiPort?: string;
  dataDir?: string;
  /** False with --no-story. */
  story: boolean;
}

type Stops = (() => Promise<void>)[];

/**
 * Everything on one machine: Temporal (embedded dev server unless an address is given), the portal (the sandbox
 * unless access to a real one is configured), the worker and the admin API. Runs with no configuration at all.
 */
export function startCommand(): Command {
  const command = new Command('start')
    .description('run the engine: embedded Temporal dev server with Web UI, sandbox portal, worker and admin API (Ctrl-C stops all)')
    .option('--dev-port <port>', 'embedded dev server gRPC port (default: $LOYALTY_DEV_SERVER_PORT or 7233)')
    .option('--dev-ui-port <port>', 'embedded dev server Web UI port (default: $LOYALTY_DEV_UI_PORT or 8233)')
    .option('--data-dir <dir>', 'where the dev server, the sandbox and the generated admin token are kept (default: $LOYALTY_DATA_DIR or .tools/data)')
    .option('--no-story', 'do not play the demo story (it plays once per data directory, on the sandbox portal only)');
  return addEngineOptions(command, ['temporal', 'rules', 'webhook']).action(runEngine);
}

async function runEngine(options: StartOptions): Promise<void> {
  const env = engineEnv(options, {}, { devServerPort: options.devPort, devUiPort: options.devUiPort, dataDir: options.dataDir });
  const programme = engineProgramme(env);
  const intake = configured(() => requireIntakeAccess(readIntakeSettings(process.env), env.bitrix24.access?.mode ?? 'webhook'));
  const portalRate = configured(() => readPortalRate(process.env));
  const stopRequested = waitForShutdownSignal();
  const stops: Stops = [];
  try {
    const temporal = await connectTemporal(env, stops, stopRequested);
    if (temporal === null) return;
    // After the connection: an installed Runtime takes SIGINT/SIGTERM over and keeps the process alive.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const temporalEnv: EngineEnv = { ...env, temporalConnection: temporal.options };
    const events = lazyTemporalClient(temporalEnv);
    stops.push(() => events.close());
    const { bitrix, sandbox } = await portal(env, stops, await startEventBridge(env, events.client, stops), portalRate);
    await setupPortal(bitrix, { log: () => undefined });

    const worker = await startLoyaltyWorker({
      temporalAddress: temporal.options.address,
      temporalConnection: temporal.options,
      clientConnection: temporal.connection,
      namespace: env.temporal.namespace,
      taskQueue: env.taskQueue,
      portal: env.portal,
      bitrix24ActivitiesPerSecond: portalRate.activitiesPerSecond,
      bitrix,
      programme,
    });
    stops.push(() => worker.stop());
    console.log(`Worker polling task queue "${env.taskQueue}" in namespace "${env.temporal.namespace}"`);
    const target = { address: temporal.options.address, namespace: env.temporal.namespace, connection: temporal.options };
    for (const line of await configureIntake(target, env.taskQueue, intake)) console.log(line);

    const adminClient = lazyTemporalClient(temporalEnv);
    stops.push(() => adminClient.close());
    const admin = await runAdminApi({ env, programme, client: adminClient.client, bitrix, token: env.admin.token ?? localAdminToken(env.local.dataDir, (line) => console.log(line)) });
    stops.push(() => admin.stop());
    console.log('Engine running. Press Ctrl-C to stop.');
    const story = new AbortController();
    stops.push(async () => story.abort());
    if (sandbox !== null && options.story) void playStory(env, programme, { sandbox, client: events.client, signal: story.signal });
    await Promise.race([stopRequested, worker.running.done]);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
    console.log('Engine stopped.');
  }
}

interface ConnectedTemporal {
  options: TemporalConnectionOptions;
  connection: Connection;
}

/**
 * The configured Temporal, or an embedded dev server (plain text on loopback: no TLS or API key applies); null
 * when a stop signal came first.
 */
async function connectTemporal(env: EngineEnv, stops: Stops, stopRequested: Promise<unknown>): Promise<ConnectedTemporal | null> {
  const options = env.temporalAddressGiven ? env.temporalConnection : await startEmbeddedTemporal(env, stops);
  // A configured server may not answer at all; the embedded one accepts connections already.
  const connection = env.temporalAddressGiven ? await connectAtStart(options, stopRequested) : await connectToTemporal(options, stopRequested);
  if (connection === null) return null;
  stops.push(() => connection.close());
  return { options, connection };
}

async function startEmbeddedTemporal(env: EngineEnv, stops: Stops): Promise<TemporalConnectionOptions> {
  const resolved = resolveDevServer();
  if (resolved.executable.type !== 'existing-path') {
    throw new Error('Temporal CLI not found: run `bash scripts/temporal-tools.sh` or set TEMPORAL_ADDRESS');
  }
  const server: RunningDevServer = await startDevServer({
    executable: resolved.executable.path,
    port: env.local.devServerPort,
    uiPort: env.local.devUiPort,
    dbFile: path.resolve(env.local.dataDir, 'temporal-dev.db'),
    namespace: env.temporal.namespace,
  });
  stops.push(() => server.stop());
  console.log(`Temporal dev server: ${server.address}`);
  console.log(`Temporal Web UI:     ${server.uiUrl}`);
  return { address: server.address };
}

async function portal(env: EngineEnv, stops: Stops, delivery: SandboxDelivery | null, rate: PortalRate): Promise<{ bitrix: Bitrix24Client; sandbox: SandboxHandle | null }> {
  if (env.bitrix24.access !== null) {
    console.log(`Bitrix24: the portal of the configured ${env.bitrix24.access.mode === 'webhook' ? 'incoming webhook' : 'OAuth application'}`);
    return { bitrix: portalClient(env.bitrix24.access, { limits: rate.limits }), sandbox: null };
  }
  const sandbox: SandboxHandle = await startSandbox({
    snapshotFile: path.resolve(env.local.dataDir, 'sandbox-portal.json'),
    ...(delivery === null ? {} : { portal: { memberId: delivery.memberId }, outgoingWebhooks: [delivery.webhook] }),
  });
  stops.push(() => sandbox.stop());
  console.log(`Sandbox Bitrix24 portal: ${sandbox.baseUrl} (webhook ${sandbox.webhookUrl})`);
  return { bitrix: portalClient({ mode: 'webhook', webhookUrl: sandbox.webhookUrl }), sandbox };
}

/** How the sandbox sends its CRM events to the bridge: an outgoing webhook, as a portal admin would set one up. */
interface SandboxDelivery {
  memberId: string;
  webhook: OutgoingWebhook;
}

const SANDBOX_MEMBER_ID = 'sandbox0member0id0000000000000000';

/**
 * The webhook bridge on LOYALTY_BRIDGE_PORT. With the sandbox, it accepts the sandbox under a token made up for this
 * run and the sandbox is told to send every CRM event there; with a real portal, it accepts the portals of
 * LOYALTY_PORTALS / LOYALTY_PORTALS_FILE, or stays off without them (the reconciler still finds every change).
 */
async function startEventBridge(env: EngineEnv, client: Client, stops: Stops): Promise<SandboxDelivery | null> {
  const sandboxToken = randomBytes(24).toString('base64url');
  const sandboxPortal: PortalConfig = { key: env.portal, memberId: SANDBOX_MEMBER_ID, applicationToken: sandboxToken };
  const portals = env.bitrix24.access === null ? [sandboxPortal] : configuredBridgePortals();
  if (portals === null) {
    console.log('Bridge: off (LOYALTY_PORTALS / LOYALTY_PORTALS_FILE unset); portal changes arrive through the reconciler');
    return null;
  }
  const logger = createJsonLogger({ service: 'bridge', level: 'warn' });
  const bridge = await startBridge({ portals, ...installationsOf(env.bitrix24.access), temporal: client, taskQueue: env.taskQueue, port: env.bridgePort, logger });
  stops.push(() => bridge.stop());
  const handlerUrl = `${bridge.url}${EVENTS_PATH}`;
  console.log(`Webhook bridge:      ${handlerUrl}${env.bitrix24.access === null ? ' (the sandbox portal sends its CRM events here)' : ''}`);
  if (env.bitrix24.access !== null) return null;
  return { memberId: SANDBOX_MEMBER_ID, webhook: { handlerUrl, events: [...LOYALTY_EVENTS], applicationToken: sandboxToken } };
}

function configuredBridgePortals(): PortalConfig[] | null {
  if (!process.env.LOYALTY_PORTALS?.trim() && !process.env.LOYALTY_PORTALS_FILE?.trim()) return null;
  return configured(() => readBridgePortals(process.env));
}

/** The demo story on the sandbox, once per data directory, while the engine runs; Ctrl-C stops it too. */
async function playStory(env: EngineEnv, programme: Programme, parts: { sandbox: SandboxHandle; client: Client; signal: AbortSignal }): Promise<void> {
  const uiUrl = env.temporalAddressGiven ? null : `http://127.0.0.1:${env.local.devUiPort}`;
  try {
    await playDemoStoryOnce({
      crm: parts.sandbox.portal,
      client: parts.client,
      programme,
      portal: env.portal,
      taskQueue: env.taskQueue,
      signal: parts.signal,
      dataDir: env.local.dataDir,
      links: { uiUrl, namespace: env.temporal.namespace, portal: env.portal, rulesFile: env.rulesFile },
      print: (line) => console.log(line),
    });
  } catch (error) {
    if (!parts.signal.aborted) console.error(`Demo story failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
