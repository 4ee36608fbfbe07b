/**
 * Temporal connection settings from the environment variables Temporal documents for its CLI and SDKs
 * ("environment configuration"), so a deployment configured for `temporal` also configures the engine.
 * `@temporalio/envconfig` is not among the installed packages, so its TOML profiles (TEMPORAL_CONFIG_FILE,
 * TEMPORAL_PROFILE) are refused with an explanation rather than silently ignored.
 */
import type { TemporalConnectionSettings } from './connection';

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_ADDRESS = '127.0.0.1:7233';
const DEFAULT_NAMESPACE = 'default';
const GRPC_META_PREFIX = 'TEMPORAL_GRPC_META_';

/** Each variable that names a file has a short engine alias; both may be set only to the same value. */
const CLIENT_CERT = ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CERT'] as const;
const CLIENT_KEY = ['TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_KEY'] as const;

const UNSUPPORTED: Record<string, string> = {
  TEMPORAL_CONFIG_FILE: 'TOML profiles need @temporalio/envconfig, which is not installed; set the TEMPORAL_* variables instead',
  TEMPORAL_PROFILE: 'TOML profiles need @temporalio/envconfig, which is not installed; set the TEMPORAL_* variables instead',
  TEMPORAL_TLS_CLIENT_CERT_DATA: 'inline PEM is not supported; mount the certificate as a file and set TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_CLIENT_KEY_DATA: 'inline PEM is not supported; mount the key as a file and set TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'inline PEM is not supported; mount the CA as a file and set TEMPORAL_TLS_SERVER_CA_CERT_PATH',
};

export class TemporalEnvConfigError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`invalid Temporal connection configuration\n${errors.map((e) => `  ${e}`).join('\n')}`);
    this.name = 'TemporalEnvConfigError';
  }
}

/** Reads the Temporal connection variables; throws `TemporalEnvConfigError` listing every problem by variable name. */
export function readTemporalEnvConfig(env: Env): TemporalConnectionSettings {
  const errors: string[] = [];
  const value = (name: string): string | undefined => env[name]?.trim() || undefined;

  for (const [name, why] of Object.entries(UNSUPPORTED)) if (value(name)) errors.push(`${name}: ${why}`);
  if (parseBoolean('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION', value, errors) === true) {
    errors.push('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: the TypeScript SDK always verifies the server; set TEMPORAL_TLS_SERVER_NAME or TEMPORAL_TLS_SERVER_CA_CERT_PATH instead');
  }

  const address = value('TEMPORAL_ADDRESS') ?? DEFAULT_ADDRESS;
  if (!/^(\[[0-9a-f:.]+\]|[^\s:[\]]+):\d{1,5}$/i.test(address)) errors.push('TEMPORAL_ADDRESS: must be host:port');
  const certPath = aliased(CLIENT_CERT, value, errors);
  const keyPath = aliased(CLIENT_KEY, value, errors);
  if ((certPath === undefined) !== (keyPath === undefined)) {
    errors.push(`${certPath === undefined ? CLIENT_CERT[0] : CLIENT_KEY[0]}: the client certificate and key go together`);
  }
  const tlsEnabled = parseBoolean('TEMPORAL_TLS', value, errors);
  const grpcMetadata = grpcMetadataFrom(env, errors);
  if (errors.length > 0) throw new TemporalEnvConfigError(errors);

  return {
    address,
    namespace: value('TEMPORAL_NAMESPACE') ?? DEFAULT_NAMESPACE,
    tls: certPath !== undefined && keyPath !== undefined ? { certPath, keyPath } : null,
    apiKey: value('TEMPORAL_API_KEY') ?? null,
    serverCaCertPath: value('TEMPORAL_TLS_SERVER_CA_CERT_PATH') ?? null,
    serverName: value('TEMPORAL_TLS_SERVER_NAME') ?? null,
    tlsEnabled: tlsEnabled ?? null,
    grpcMetadata,
  };
}

function aliased(names: readonly [string, string], value: (name: string) => string | undefined, errors: string[]): string | undefined {
  const [documented, alias] = names;
  const a = value(documented);
  const b = value(alias);
  if (a !== undefined && b !== undefined && a !== b) errors.push(`${alias}: differs from ${documented}; set one of them`);
  return a ?? b;
}

function parseBoolean(name: string, value: (name: string) => string | undefined, errors: string[]): boolean | undefined {
  const text = value(name)?.toLowerCase();
  if (text === undefined) return undefined;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  errors.push(`${name}: must be true or false`);
  return undefined;
}

/** `TEMPORAL_GRPC_META_X_TENANT=a` becomes the header `x-tenant: a`. */
function grpcMetadataFrom(env: Env, errors: string[]): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(GRPC_META_PREFIX) || raw === undefined) continue;
    const header = name.slice(GRPC_META_PREFIX.length).toLowerCase().replaceAll('_', '-');
    if (!/^[a-z0-9][a-z0-9-]*$/.test(header)) errors.push(`${name}: does not name a valid gRPC header`);
    else if (header === 'authorization') errors.push(`${name}: set TEMPORAL_API_KEY instead of an authorization header`);
    else metadata[header] = raw;
  }
  return metadata;
}
