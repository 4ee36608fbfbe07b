/**
 * How the engine's processes connect to Temporal: a local cluster in plain text, a secured self-hosted cluster
 * (mTLS with its own CA), or Temporal Cloud (mTLS or API key). The same options serve `Connection.connect`
 * (clients) and `NativeConnection.connect` (workers).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection, isGrpcServiceError, type TLSConfig } from '@temporalio/client';

/** Where to connect and how to authenticate; the shape of `EngineEnv['temporal']` plus the optional TLS extras. */
export interface TemporalConnectionSettings {
  /** host:port of the Temporal frontend. */
  address: string;
  namespace: string;
  /** PEM files of the client certificate and its private key (mTLS). */
  tls: { certPath: string; keyPath: string } | null;
  /** Sent as `Authorization: Bearer …`; turns TLS on unless `tlsEnabled` is false. */
  apiKey: string | null;
  /** PEM file of the CA that signed the server's certificate, when it is not a publicly trusted one. */
  serverCaCertPath?: string | null;
  /** The name the server certificate is checked against, when it differs from the address's host (SNI). */
  serverName?: string | null;
  /** Forces TLS on or off; unset means on whenever a client certificate, an API key or a server CA is given. */
  tlsEnabled?: boolean | null;
  /** Extra gRPC headers sent with every request (e.g. a proxy's routing header). */
  grpcMetadata?: Record<string, string>;
}

/** Accepted by both `Connection.connect` and `NativeConnection.connect`. */
export interface TemporalConnectionOptions {
  address: string;
  /** `false` keeps the SDK from turning TLS on by itself for an API key. */
  tls?: TLSConfig | false;
  apiKey?: string;
  metadata?: Record<string, string>;
}

export class TemporalConnectionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalConnectionConfigError';
  }
}

/**
 * Turns connection settings into SDK connection options, reading the certificate files now so that a missing or
 * malformed file is reported at start-up by its purpose and path (never by its content).
 */
export function temporalConnectionOptions(settings: TemporalConnectionSettings): TemporalConnectionOptions {
  const tls = tlsConfig(settings);
  return {
    address: settings.address,
    ...(tls !== undefined ? { tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    ...(settings.grpcMetadata && Object.keys(settings.grpcMetadata).length > 0 ? { metadata: { ...settings.grpcMetadata } } : {}),
  };
}

function tlsConfig(settings: TemporalConnectionSettings): TLSConfig | false | undefined {
  const wantsTls = Boolean(settings.tls || settings.apiKey || settings.serverCaCertPath || settings.serverName);
  if (settings.tlsEnabled === false) {
    if (settings.tls || settings.serverCaCertPath) {
      throw new TemporalConnectionConfigError('TLS is disabled, but TLS certificates are configured: enable TLS or remove them');
    }
    return false;
  }
  if (!wantsTls && settings.tlsEnabled !== true) return undefined;
  return {
    ...(settings.tls
      ? { clientCertPair: { crt: readPem(settings.tls.certPath, 'client certificate'), key: readPem(settings.tls.keyPath, 'client private key') } }
      : {}),
    ...(settings.serverCaCertPath ? { serverRootCACertificate: readPem(settings.serverCaCertPath, 'server CA certificate') } : {}),
    ...(settings.serverName ? { serverNameOverride: settings.serverName } : {}),
  };
}

function readPem(file: string, purpose: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new TemporalConnectionConfigError(`Temporal TLS ${purpose} ${file}: cannot be read (${code})`);
  }
  if (!content.includes('-----BEGIN ')) throw new TemporalConnectionConfigError(`Temporal TLS ${purpose} ${file}: is not a PEM file`);
  return content;
}

/** How long a starting process waits for Temporal to answer before it gives up (to be restarted by its supervisor). */
export const TEMPORAL_CONNECT_TIMEOUT_MS = 10_000;
/** grpc-js fails a call at once while the server refuses connections; the next attempt waits this long. */
const REFUSED_RETRY_PAUSE_MS = 250;
/** gRPC status codes (the protocol's numbers) that decide whether to try again. */
const GRPC_STATUS = { DEADLINE_EXCEEDED: 4, UNIMPLEMENTED: 12, UNAVAILABLE: 14 } as const;

/** Temporal did not answer a starting process; the message names the address, never a credential. */
export class TemporalUnreachableError extends Error {
  constructor(address: string, reason: string) {
    super(`cannot connect to Temporal at ${address}: ${reason}`);
    this.name = 'TemporalUnreachableError';
  }
}

/**
 * A client connection on a Temporal server that answered within `TEMPORAL_CONNECT_TIMEOUT_MS`; throws
 * `TemporalUnreachableError` otherwise. With `stop`, a stop request (e.g. SIGTERM) abandons the attempt at once
 * and resolves null.
 */
export function connectToTemporal(options: TemporalConnectionOptions): Promise<Connection>;
export function connectToTemporal(options: TemporalConnectionOptions, stop: Promise<unknown>): Promise<Connection | null>;
export async function connectToTemporal(options: TemporalConnectionOptions, stop?: Promise<unknown>): Promise<Connection | null> {
  // The SDK's own wait (`Connection.connect`) cannot be abandoned: grpc-js reconnects a channel closed while it
  // waits. Here every attempt is one call, without the SDK's retries, that a stop request cancels.
  const probe = Connection.lazy({ ...options, interceptors: [] });
  const stopping = new AbortController();
  void stop?.then(() => stopping.abort());
  try {
    if ((await firstAnswer(probe, stopping.signal)) === 'stopped') return null;
  } catch (error) {
    throw new TemporalUnreachableError(options.address, reasonOf(error));
  } finally {
    await probe.close();
  }
  return Connection.lazy(options);
}

async function firstAnswer(probe: Connection, stopping: AbortSignal): Promise<'answered' | 'stopped'> {
  const deadline = Date.now() + TEMPORAL_CONNECT_TIMEOUT_MS;
  let refusal: unknown = null;
  for (;;) {
    try {
      // One signal per attempt: the SDK leaves a listener on the signal of every call.
      await probe.withAbortSignal(AbortSignal.any([stopping]), () => probe.withDeadline(deadline, () => probe.workflowService.getSystemInfo({})));
      return 'answered';
    } catch (error) {
      if (stopping.aborted) return 'stopped';
      if (isGrpcServiceError(error) && error.code === GRPC_STATUS.UNIMPLEMENTED) return 'answered';
      if (!isGrpcServiceError(error) || (error.code !== GRPC_STATUS.UNAVAILABLE && error.code !== GRPC_STATUS.DEADLINE_EXCEEDED)) throw error;
      if (error.code === GRPC_STATUS.UNAVAILABLE) refusal = error;
      if (Date.now() >= deadline) throw new Error(`no answer within ${TEMPORAL_CONNECT_TIMEOUT_MS / 1000} s${refusal === null ? '' : ` (${reasonOf(refusal)})`}`);
    }
    await sleep(REFUSED_RETRY_PAUSE_MS, undefined, { signal: stopping }).catch(() => undefined);
  }
}

/**
 * The error's message on one line, without grpc-js's empty trailing note. gRPC messages carry the server's or the
 * socket's reason, never the request's metadata (where the API key travels).
 */
export function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').replace(/\s*Resolution note:\s*$/, '').replace(/[.\s]+$/, '');
}
