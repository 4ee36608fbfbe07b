import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startDevServer, type RunningDevServer } from '../../src/temporal/dev-server';
import { resolveDevServer } from '../../src/temporal/tools';

/**
 * A private Temporal dev server WITH its Web UI (the shared one from global setup runs without it), on free
 * loopback ports and with its SQLite file in a temporary folder that `stop()` removes.
 */
export async function startDevServerWithUi(namespace: string): Promise<RunningDevServer> {
  const resolved = resolveDevServer();
  if (resolved.executable.type !== 'existing-path') {
    throw new Error(`the Web UI test needs the Temporal CLI on this machine: ${resolved.source}`);
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'loyalty-temporal-ui-'));
  try {
    const [port, uiPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const server = await startDevServer({ executable: resolved.executable.path, port, uiPort, dbFile: path.join(dataDir, 'temporal.sqlite'), namespace });
    return {
      ...server,
      async stop() {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** A port the kernel just handed out and released: free unless another process grabs it in between. */
async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Debian's chromium (scripts/chromium.sh installs it); `CHROMIUM_PATH` points elsewhere. */
export function chromiumExecutable(): string {
  const candidates = process.env.CHROMIUM_PATH
    ? [process.env.CHROMIUM_PATH]
    : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'chromium'));
  const found = candidates.find(isExecutable);
  if (!found) throw new Error('chromium not found (CHROMIUM_PATH or `chromium` on PATH): run scripts/chromium.sh');
  return found;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
