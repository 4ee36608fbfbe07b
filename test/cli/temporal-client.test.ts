import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEngineEnv } from '../../src/config/env';
import { lazyTemporalClient } from '../../src/cli/temporal-client';

/** A TCP listener standing in for Temporal: it keeps the first bytes a client sends, then hangs up. */
async function firstBytesListener(): Promise<{ address: string; firstBytes: Promise<Buffer>; close(): Promise<void> }> {
  let received!: (bytes: Buffer) => void;
  const firstBytes = new Promise<Buffer>((resolve) => (received = resolve));
  const server = net.createServer((socket) => {
    socket.once('data', (chunk: Buffer) => {
      received(chunk);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { address: `127.0.0.1:${port}`, firstBytes, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const TLS_HANDSHAKE_RECORD = 0x16;
const HTTP2_PREFACE = 'PRI * HTTP/2.0';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** Opens the lazy client the bridge, `loyalty admin` and `loyalty start` use, and returns what it sent first. */
async function firstBytesFrom(env: Record<string, string>): Promise<Buffer> {
  const listener = await firstBytesListener();
  cleanups.push(() => listener.close());
  const temporal = lazyTemporalClient(loadEngineEnv({ TEMPORAL_ADDRESS: listener.address, ...env }));
  cleanups.push(() => temporal.close().catch(() => undefined));
  // The connection fails once the listener hangs up; only the bytes it sent before matter here.
  void temporal.client.connection.ensureConnected().catch(() => undefined);
  return listener.firstBytes;
}

describe('lazy Temporal client of the HTTP servers', () => {
  it('speaks TLS to Temporal when an API key is configured', async () => {
    const bytes = await firstBytesFrom({ TEMPORAL_API_KEY: 'an-api-key-for-the-test' });
    expect(bytes[0]).toBe(TLS_HANDSHAKE_RECORD);
  });

  it('speaks plain HTTP/2 to a local Temporal without TLS settings', async () => {
    const bytes = await firstBytesFrom({});
    expect(bytes.toString('latin1')).toContain(HTTP2_PREFACE);
  });
});
