import { Client, Connection } from '@temporalio/client';
import type { TemporalConnectionOptions } from '../temporal/connection';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** TLS, API key and gRPC metadata from `temporalConnectionOptions`; `address` wins over its address. */
  connection?: TemporalConnectionOptions;
}

/**
 * A client whose connection is opened on first use, so the bridge starts (and `/readyz` tells the truth)
 * while Temporal is still down.
 */
export function lazyTemporalClient(target: TemporalTarget): { client: Client; close(): Promise<void> } {
  const connection = Connection.lazy({ ...target.connection, address: target.address });
  return { client: new Client({ connection, namespace: target.namespace }), close: () => connection.close() };
}
