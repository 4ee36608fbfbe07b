import { Command, InvalidArgumentError } from 'commander';
import { readBridgePortals, startBridge } from '../bridge';
import { waitForShutdownSignal } from './shutdown-signal';

interface BridgeCliOptions {
  port: number;
  host: string;
  temporalAddress: string;
  namespace: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError(`--port must be 0-65535, got "${value}"`);
  return port;
}

/** `loyalty bridge`: the Bitrix24 event webhook bridge; portals come from LOYALTY_PORTALS or LOYALTY_PORTALS_FILE. */
export function bridgeCommand(): Command {
  return new Command('bridge')
    .description('receive Bitrix24 CRM events on POST /bitrix24/events and signal the loyalty workflows (SIGINT/SIGTERM: stop)')
    .option('--port <port>', 'port to listen on', parsePort, Number(process.env.LOYALTY_BRIDGE_PORT ?? 8080))
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--temporal-address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233')
    .option('--namespace <name>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .action(async (options: BridgeCliOptions) => {
      const bridge = await startBridge({
        portals: readBridgePortals(process.env),
        temporal: { address: options.temporalAddress, namespace: options.namespace },
        port: options.port,
        host: options.host,
      });
      console.error(`Bridge listening on ${bridge.url} (Temporal ${options.temporalAddress}, namespace ${options.namespace})`);
      await waitForShutdownSignal();
      await bridge.stop();
    });
}
