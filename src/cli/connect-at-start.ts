import type { Connection } from '@temporalio/client';
import { connectToTemporal, type TemporalConnectionOptions } from '../temporal/connection';
import { exitCodeFor } from './exit-code';

/** Long enough for the command to report; a lingering socket gets no longer than this. */
const LINGER_GRACE_MS = 1_000;

/**
 * A long-running command's first contact with Temporal, before it starts anything: null when a stop signal
 * (`stopRequested`) came first, `TemporalUnreachableError` when the server did not answer in time. Either way the
 * process then ends even if a socket stays open: grpc-js has no TLS handshake timeout, so a server that accepts
 * the TCP connection and never answers keeps the handshake, and with it the process, alive after the close.
 */
export async function connectAtStart(options: TemporalConnectionOptions, stopRequested: Promise<unknown>): Promise<Connection | null> {
  console.log(`Connecting to Temporal at ${options.address}`);
  try {
    const connection = await connectToTemporal(options, stopRequested);
    if (connection === null) {
      console.log(`Stopped while connecting to Temporal at ${options.address}`);
      exitDespiteLingeringSockets();
    }
    return connection;
  } catch (error) {
    process.exitCode = exitCodeFor(error);
    exitDespiteLingeringSockets();
    throw error;
  }
}

function exitDespiteLingeringSockets(): void {
  setTimeout(() => process.exit(), LINGER_GRACE_MS).unref();
}
