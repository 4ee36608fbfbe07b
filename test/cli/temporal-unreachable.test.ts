/**
 * The real `loyalty` commands, each in its own process, against a Temporal that is not there: nothing listening on
 * the port, or a listener that accepts connections and never answers. No Temporal server is needed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort } from '../bridge/closed-port';

const ROOT = path.resolve(__dirname, '../..');
const API_KEY = 'tcld-api-key-that-must-never-be-printed';
const WEBHOOK_URL = 'https://example.bitrix24.ru/rest/1/webhooksecretthatmustnotprint/';
/** Longer than the connect timeout (10 s) plus tsx compiling the CLI on a busy machine. */
const PROCESS_TEST_TIMEOUT_MS = 60_000;

interface LoyaltyProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr contains `text`. */
  printed(text: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: ChildProcess[] = [];
const listeners: { server: net.Server; sockets: net.Socket[] }[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const { server, sockets } of listeners.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * tsx as a loader in the process itself, not the `tsx` command: that one runs the CLI in a child process and
 * kills it with SIGKILL unless the child acknowledges a relayed signal within 30 ms, which a busy machine misses.
 */
function spawnLoyalty(args: string[], env: Record<string, string> = {}): LoyaltyProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stdout = '';
  let stderr = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  const check = () => {
    for (const wait of waiting.filter((w) => stdout.includes(w.text) || stderr.includes(w.text))) {
      waiting.splice(waiting.indexOf(wait), 1);
      wait.resolve();
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), check()));
  child.stderr!.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), check()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    printed: (text) =>
      new Promise((resolve, reject) => {
        waiting.push({ text, resolve });
        check();
        void exited.then(({ code }) => reject(new Error(`exited with ${code} before printing "${text}":\n${stdout}\n${stderr}`)));
      }),
    exited,
  };
}

/** A TCP listener that accepts every connection and never sends a byte: neither HTTP/2 nor a TLS handshake. */
async function silentListener(): Promise<number> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => sockets.push(socket));
  listeners.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

const workerArgs = (address: string) => ['worker', '--temporal-address', address, '--webhook-url', WEBHOOK_URL, '--rules', path.join(ROOT, 'loyalty.config.yaml')];

/** The lines the CLI prints for a failed command (`loyalty: …`). */
const errorLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('loyalty:'));

function expectNoSecrets(output: string): void {
  expect(output).not.toContain(API_KEY);
  expect(output).not.toContain('webhooksecretthatmustnotprint');
}

describe('loyalty worker without a reachable Temporal', () => {
  it('exits 1 with one line naming the address it tried, when nothing listens there', { timeout: PROCESS_TEST_TIMEOUT_MS }, async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const worker = spawnLoyalty(workerArgs(address), { TEMPORAL_API_KEY: API_KEY });

    expect(await worker.exited).toEqual({ code: 1, signal: null });
    expect(errorLines(worker.stderr())).toEqual([expect.stringMatching(new RegExp(`^loyalty: cannot connect to Temporal at ${address}: no answer within 10 s \\(.*ECONNREFUSED`))]);
    expect(worker.stdout()).toContain(`Connecting to Temporal at ${address}`);
    expect(worker.stdout()).not.toContain('Worker polling');
    expectNoSecrets(worker.stdout() + worker.stderr());
  });

  it('exits 1 when the server accepts the connection but never answers the TLS handshake', { timeout: PROCESS_TEST_TIMEOUT_MS }, async () => {
    const address = `127.0.0.1:${await silentListener()}`;
    const worker = spawnLoyalty(workerArgs(address), { TEMPORAL_API_KEY: API_KEY });

    expect(await worker.exited).toEqual({ code: 1, signal: null });
    expect(errorLines(worker.stderr())).toEqual([`loyalty: cannot connect to Temporal at ${address}: no answer within 10 s`]);
    expectNoSecrets(worker.stdout() + worker.stderr());
  });

  it('stops at once on SIGTERM while connecting, with code 0 and no error', { timeout: PROCESS_TEST_TIMEOUT_MS }, async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const worker = spawnLoyalty(workerArgs(address));
    await worker.printed(`Connecting to Temporal at ${address}`);

    worker.child.kill('SIGTERM');

    // Code 0 and this line come only from the stop path; giving up after the connect timeout exits 1.
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.stdout()).toContain(`Stopped while connecting to Temporal at ${address}`);
    expect(errorLines(worker.stderr())).toEqual([]);
  });
});

describe('the other long-running commands without a reachable Temporal', () => {
  it('loyalty start with TEMPORAL_ADDRESS stops at once on SIGTERM while connecting, before starting anything', { timeout: PROCESS_TEST_TIMEOUT_MS }, async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const engine = spawnLoyalty(['start', '--no-story', '--temporal-address', address, '--rules', path.join(ROOT, 'loyalty.config.yaml')]);
    await engine.printed(`Connecting to Temporal at ${address}`);

    engine.child.kill('SIGTERM');

    expect(await engine.exited).toEqual({ code: 0, signal: null });
    expect(engine.stdout()).toContain(`Stopped while connecting to Temporal at ${address}`);
    expect(engine.stdout()).not.toMatch(/Sandbox Bitrix24 portal|Webhook bridge|Worker polling/);
  });

  it('loyalty bridge starts anyway (it connects on first use, /readyz says Temporal is down) and stops on SIGTERM', { timeout: PROCESS_TEST_TIMEOUT_MS }, async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const portals = JSON.stringify([{ key: 'example.bitrix24.ru', memberId: 'member-1', applicationToken: 'application-token-1' }]);
    const bridge = spawnLoyalty(['bridge', '--port', '0', '--temporal-address', address], { LOYALTY_PORTALS: portals });
    await bridge.printed('Bridge listening on ');
    const url = /Bridge listening on (http:\/\/\S+)/.exec(bridge.stderr())?.[1];

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    bridge.child.kill('SIGTERM');

    expect(await bridge.exited).toEqual({ code: 0, signal: null });
    expect(errorLines(bridge.stderr())).toEqual([]);
  });
});
