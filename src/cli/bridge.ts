import { Command, InvalidArgumentError } from 'commander';
import { readBridgeEnv, startBridge } from '../bridge';
import { parsePort } from '../bridge/config';
import { loadEngineEnv } from '../config/env';
import { runAdminApi } from './admin';
import { addEngineOptions, configured, engineEnv, engineProgramme, type EngineFlags } from './configuration';
import { installationsOf, portalClient } from './portal-client';
import { lazyTemporalClient } from './temporal-client';
import { waitForShutdownSignal } from './shutdown-signal';

interface BridgeCliOptions extends EngineFlags {
  port?: number;
  host: string;
  tokenUrl?: string;
}

function portOption(value: string): number {
  try {
    return parsePort(value, '--port');
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/**
 * `loyalty bridge`: the Bitrix24 event webhook bridge and, when LOYALTY_ADMIN_TOKEN is set, the admin API on
 * LOYALTY_ADMIN_PORT: both are the engine's HTTP entry points, so one process serves them. Portals come from
 * LOYALTY_PORTALS (JSON) or LOYALTY_PORTALS_FILE; with the OAuth application configured, a portal listed without
 * an application token gets it, and its tokens, when it installs the application (ONAPPINSTALL).
 */
export function bridgeCommand(): Command {
  const command = new Command('bridge')
    .description('receive Bitrix24 CRM events on POST /bitrix24/events and signal the loyalty workflows; with LOYALTY_ADMIN_TOKEN also serve the admin API (SIGINT/SIGTERM: stop)')
    .option('--port <port>', 'port to listen on (default LOYALTY_BRIDGE_PORT or 8080)', portOption)
    .option('--host <host>', 'interface the bridge and the admin API listen on', '127.0.0.1')
    .option('--token-url <url>', 'application mode: OAuth token endpoint that confirms installs (default Bitrix24\'s; e.g. a sandbox)');
  return addEngineOptions(command, ['temporal', 'portal', 'taskQueue', 'rules', 'webhook']).action(async (options: BridgeCliOptions) => {
    const withAdmin = configured(() => loadEngineEnv(process.env).admin.token !== null);
    const env = engineEnv(options, { portalAccess: withAdmin });
    const bridgeEnv = configured(() => readBridgeEnv(process.env));
    const programme = withAdmin ? engineProgramme(env) : null;
    const temporal = lazyTemporalClient(env);
    const stops: (() => Promise<void>)[] = [() => temporal.close()];
    try {
      const installations = installationsOf(env.bitrix24.access, options.tokenUrl);
      const bridge = await startBridge({ portals: bridgeEnv.portals, ...installations, temporal: temporal.client, taskQueue: env.taskQueue, port: options.port ?? bridgeEnv.port, host: options.host });
      stops.push(() => bridge.stop());
      console.error(`Bridge listening on ${bridge.url} (Temporal ${env.temporal.address}, namespace ${env.temporal.namespace})`);
      if (programme !== null) {
        const admin = await runAdminApi({ env, programme, client: temporal.client, bitrix: portalClient(env.bitrix24.access), host: options.host });
        stops.push(() => admin.stop());
      } else console.error('Admin API off: LOYALTY_ADMIN_TOKEN is not set');
      await waitForShutdownSignal();
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  });
}
