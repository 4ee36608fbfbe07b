import { Client, Connection } from '@temporalio/client';
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
  const connection = Connection.lazy(env.temporalConnection);
  return { client: new Client({ connection, namespace: env.temporal.namespace }), close: () => connection.close() };
}
