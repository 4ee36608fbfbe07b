import { Command, InvalidArgumentError } from 'commander';
import { readBridgeEnv, startBridge } from '../bridge';
import { parsePort } from '../bridge/config';
import { waitForShutdownSignal } from './shutdown-signal';

interface BridgeCliOptions {
  port?: number;
  host: string;
  temporalAddress?: string;
  namespace?: string;
}

function portOption(value: string): number {
  try {
    return parsePort(value, '--port');
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/**
 * `loyalty bridge`: the Bitrix24 event webhook bridge. Flags override the environment (LOYALTY_BRIDGE_PORT,
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE); portals come from LOYALTY_PORTALS (JSON) or LOYALTY_PORTALS_FILE.
 */
export function bridgeCommand(): Command {
  return new Command('bridge')
    .description('receive Bitrix24 CRM events on POST /bitrix24/events and signal the loyalty workflows (SIGINT/SIGTERM: stop)')
    .option('--port <port>', 'port to listen on (default LOYALTY_BRIDGE_PORT or 8080)', portOption)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--temporal-address <host:port>', 'Temporal frontend (default TEMPORAL_ADDRESS or 127.0.0.1:7233)')
    .option('--namespace <name>', 'Temporal namespace (default TEMPORAL_NAMESPACE or default)')
    .action(async (options: BridgeCliOptions) => {
      const env = readBridgeEnv(process.env);
      const temporal = { address: options.temporalAddress ?? env.temporalAddress, namespace: options.namespace ?? env.namespace };
      const bridge = await startBridge({ portals: env.portals, temporal, port: options.port ?? env.port, host: options.host });
      console.error(`Bridge listening on ${bridge.url} (Temporal ${temporal.address}, namespace ${temporal.namespace})`);
      await waitForShutdownSignal();
      await bridge.stop();
    });
}
