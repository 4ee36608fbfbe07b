import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { temporalConnectionOptions, TemporalConnectionConfigError, type TemporalConnectionSettings } from '../../src/temporal/connection';
import { readTemporalEnvConfig, TemporalEnvConfigError } from '../../src/temporal/envconfig';

const plain: TemporalConnectionSettings = { address: '127.0.0.1:7233', namespace: 'default', tls: null, apiKey: null };

interface SeenRequest {
  path: string;
  authorization: string | undefined;
  tenant: string | undefined;
  clientCertSubject: string | undefined;
}

/** Just enough of a Temporal frontend for `Connection.connect`: every unary call answers an empty message. */
function startFakeFrontend(secure?: { key: Buffer; cert: Buffer; ca: Buffer }) {
  const seen: SeenRequest[] = [];
  const server = secure
    ? http2.createSecureServer({ key: secure.key, cert: secure.cert, ca: secure.ca, requestCert: true, rejectUnauthorized: true })
    : http2.createServer();
  server.on('stream', (stream, headers) => {
    const socket = stream.session?.socket as TLSSocket | undefined;
    seen.push({
      path: String(headers[':path']),
      authorization: headers.authorization,
      tenant: headers['x-tenant'] as string | undefined,
      clientCertSubject: secure ? String(socket?.getPeerCertificate().subject?.CN) : undefined,
    });
    stream.on('data', () => undefined);
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.alloc(5)); // one gRPC frame: uncompressed, zero-length message
    });
  });
  return new Promise<{ address: string; seen: SeenRequest[]; close(): Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ address: `127.0.0.1:${port}`, seen, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

describe('temporalConnectionOptions', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'loyalty-tls-'));
    const selfSigned = (name: string, cn: string, extra: string[] = []) =>
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${cn}`,
        '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`), ...extra], { stdio: 'ignore' });
    selfSigned('server', 'loyalty-temporal.test', ['-addext', 'subjectAltName=DNS:loyalty-temporal.test']);
    selfSigned('client', 'loyalty-worker');
    writeFileSync(file('not-pem.txt'), 'hello');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('connects in plain text when nothing asks for TLS', () => {
    expect(temporalConnectionOptions(plain)).toEqual({ address: '127.0.0.1:7233' });
  });

  it('sends the API key as a bearer token; TEMPORAL_TLS=false keeps a local proxy in plain text', async () => {
    const frontend = await startFakeFrontend();
    try {
      const options = temporalConnectionOptions({ ...plain, address: frontend.address, apiKey: 'key-123', tlsEnabled: false, grpcMetadata: { 'x-tenant': 'acme' } });
      expect(options.tls).toBe(false);
      const connection = await Connection.connect({ ...options, connectTimeout: 5_000 });
      await connection.close();
      expect(frontend.seen[0]).toMatchObject({ authorization: 'Bearer key-123', tenant: 'acme' });
    } finally {
      await frontend.close();
    }
  });

  it('turns TLS on for an API key (Temporal Cloud)', () => {
    expect(temporalConnectionOptions({ ...plain, address: 'ns.acct.tmprl.cloud:7233', apiKey: 'key' })).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      tls: {},
      apiKey: 'key',
    });
  });

  it('presents the client certificate and trusts a private server CA under an overridden server name (mTLS)', async () => {
    const frontend = await startFakeFrontend({ key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')), ca: readFileSync(file('client.pem')) });
    try {
      const options = temporalConnectionOptions({
        ...plain,
        address: frontend.address,
        tls: { certPath: file('client.pem'), keyPath: file('client.key') },
        serverCaCertPath: file('server.pem'),
        serverName: 'loyalty-temporal.test',
      });
      const connection = await Connection.connect({ ...options, connectTimeout: 5_000 });
      await connection.close();
      expect(frontend.seen[0]?.clientCertSubject).toBe('loyalty-worker');
    } finally {
      await frontend.close();
    }
  });

  it('names the file and its purpose when a certificate cannot be used, never its content', () => {
    const missing = () => temporalConnectionOptions({ ...plain, tls: { certPath: file('absent.pem'), keyPath: file('client.key') } });
    expect(missing).toThrow(TemporalConnectionConfigError);
    expect(missing).toThrow(`Temporal TLS client certificate ${file('absent.pem')}: cannot be read (ENOENT)`);
    const garbage = () => temporalConnectionOptions({ ...plain, serverCaCertPath: file('not-pem.txt') });
    expect(garbage).toThrow(`Temporal TLS server CA certificate ${file('not-pem.txt')}: is not a PEM file`);
    expect(garbage).not.toThrow(/hello/);
  });

  it('refuses certificates with TLS switched off', () => {
    expect(() => temporalConnectionOptions({ ...plain, tls: { certPath: file('client.pem'), keyPath: file('client.key') }, tlsEnabled: false })).toThrow(
      'TLS is disabled, but TLS certificates are configured',
    );
  });
});

describe('readTemporalEnvConfig (Temporal environment configuration variables)', () => {
  function errorsFor(env: Record<string, string>): string[] {
    try {
      readTemporalEnvConfig(env);
    } catch (error) {
      if (error instanceof TemporalEnvConfigError) return [...error.errors];
      throw error;
    }
    throw new Error('expected a TemporalEnvConfigError');
  }

  it('defaults to a local cluster', () => {
    expect(readTemporalEnvConfig({})).toEqual({
      address: '127.0.0.1:7233', namespace: 'default', tls: null, apiKey: null, serverCaCertPath: null, serverName: null, tlsEnabled: null, grpcMetadata: {},
    });
  });

  it('reads a secured cluster with the documented names and gRPC metadata', () => {
    expect(
      readTemporalEnvConfig({
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_NAMESPACE: 'loyalty-prod',
        TEMPORAL_TLS_CLIENT_CERT_PATH: '/certs/client.pem',
        TEMPORAL_TLS_CLIENT_KEY_PATH: '/certs/client.key',
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/certs/ca.pem',
        TEMPORAL_TLS_SERVER_NAME: 'temporal',
        TEMPORAL_TLS: 'true',
        TEMPORAL_GRPC_META_X_TENANT: 'acme',
      }),
    ).toEqual({
      address: 'temporal.internal:7233',
      namespace: 'loyalty-prod',
      tls: { certPath: '/certs/client.pem', keyPath: '/certs/client.key' },
      apiKey: null,
      serverCaCertPath: '/certs/ca.pem',
      serverName: 'temporal',
      tlsEnabled: true,
      grpcMetadata: { 'x-tenant': 'acme' },
    });
  });

  it('accepts the engine short names TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY', () => {
    expect(readTemporalEnvConfig({ TEMPORAL_TLS_CERT: '/c.pem', TEMPORAL_TLS_KEY: '/c.key' }).tls).toEqual({ certPath: '/c.pem', keyPath: '/c.key' });
  });

  it('lists every problem by variable name and never echoes a value', () => {
    const errors = errorsFor({
      TEMPORAL_ADDRESS: 'no-port',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem',
      TEMPORAL_TLS: 'maybe',
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_TLS_CLIENT_KEY_DATA: 'SECRET-PEM',
      TEMPORAL_GRPC_META_AUTHORIZATION: 'Bearer SECRET',
    });
    expect(errors).toEqual([
      'TEMPORAL_PROFILE: TOML profiles need @temporalio/envconfig, which is not installed; set the TEMPORAL_* variables instead',
      'TEMPORAL_TLS_CLIENT_KEY_DATA: inline PEM is not supported; mount the key as a file and set TEMPORAL_TLS_CLIENT_KEY_PATH',
      'TEMPORAL_ADDRESS: must be host:port',
      'TEMPORAL_TLS_CLIENT_KEY_PATH: the client certificate and key go together',
      'TEMPORAL_TLS: must be true or false',
      'TEMPORAL_GRPC_META_AUTHORIZATION: set TEMPORAL_API_KEY instead of an authorization header',
    ]);
    expect(errors.join('\n')).not.toContain('SECRET');
  });

  it('refuses two different files for the same purpose', () => {
    expect(errorsFor({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/a.pem', TEMPORAL_TLS_CERT: '/b.pem', TEMPORAL_TLS_KEY: '/k' })).toEqual([
      'TEMPORAL_TLS_CERT: differs from TEMPORAL_TLS_CLIENT_CERT_PATH; set one of them',
    ]);
  });
});
