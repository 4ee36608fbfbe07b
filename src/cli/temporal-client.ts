import { Client, Connection } from '@temporalio/client';
import { lazyTemporalClient as lazyClientOf } from '../bridge/temporal-client';
import type { EngineEnv } from '../config/env';

/** A client on the configured Temporal (TLS and API key included) for the length of `use`. */
export async function withTemporalClient<T>(env: EngineEnv, use: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect(env.temporalConnection);
  try {
    return await use(new Client({ connection, namespace: env.temporal.namespace }));
  } finally {
    await connection.close();
  }
}

/** A client whose connection opens on first use, for servers that must start while Temporal is still down. */
export function lazyTemporalClient(env: EngineEnv): { client: Client; close(): Promise<void> } {
  return lazyClientOf({ address: env.temporalConnection.address, namespace: env.temporal.namespace, connection: env.temporalConnection });
}
