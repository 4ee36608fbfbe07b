/**
 * How the engine's processes connect to Temporal: a local cluster in plain text, a secured self-hosted cluster
 * (mTLS with its own CA), or Temporal Cloud (mTLS or API key). The same options serve `Connection.connect`
 * (clients) and `NativeConnection.connect` (workers).
 */
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

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
