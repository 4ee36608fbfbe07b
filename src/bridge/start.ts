import { Client } from '@temporalio/client';
import { createBridgeServer, type BridgeServerOptions } from './server';
import { lazyTemporalClient, type TemporalTarget } from './temporal-client';

export interface StartBridgeOptions extends Omit<BridgeServerOptions, 'temporal'> {
  /** An existing client (the caller closes it) or where to connect (the bridge opens and closes the connection). */
  temporal: Client | TemporalTarget;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

export interface RunningBridge {
  url: string;
  stop(): Promise<void>;
}

/** Listens on 127.0.0.1 by default; `stop()` closes the server and any connection it opened. */
export async function startBridge(options: StartBridgeOptions): Promise<RunningBridge> {
  const owned = options.temporal instanceof Client ? null : lazyTemporalClient(options.temporal);
  const client = owned?.client ?? (options.temporal as Client);
  const { app } = createBridgeServer({ ...options, temporal: client });
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    await owned?.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    stop: async () => {
      await app.close();
      await owned?.close();
    },
  };
}
