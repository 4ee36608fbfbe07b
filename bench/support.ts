/** What every benchmark shares: arguments, a bounded-concurrency pool, latency percentiles, result files. */
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { resolveDevServer } from '../src/temporal/tools';

export function positiveIntegerArg(argv: readonly string[], flag: string, fallback: number): number {
  const index = argv.indexOf(flag);
  if (index === -1) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag}: expected a positive integer, got ${argv[index + 1] ?? '(nothing)'}`);
  return value;
}

/** Runs `task(0..count-1)` with at most `concurrency` in flight. */
export async function runPool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of milliseconds. */
export function latencySummary(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
  return { samples: sorted.length, p50: rank(50), p99: rank(99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('could not allocate a local port');
  return address.port;
}

/** The project's Temporal CLI (scripts/temporal-tools.sh installs it). */
export function devServerExecutable(): string {
  const resolved = resolveDevServer();
  if (resolved.executable.type !== 'existing-path') throw new Error('Temporal CLI not found: run `bash scripts/temporal-tools.sh`');
  return resolved.executable.path;
}

/** Writes bench/results/<name>.json and returns its path. */
export async function writeResult(name: string, result: unknown): Promise<string> {
  const dir = join(__dirname, 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `intervalMs` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, options: { timeoutMs: number; intervalMs?: number }): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what}: not reached within ${Math.round(options.timeoutMs / 1000)} s`);
    await sleep(options.intervalMs ?? 50);
  }
}

/** Resident set and V8 heap of this process, in MiB. */
export function memoryMiB(): { rss: number; heapUsed: number; heapTotal: number; external: number } {
  const usage = process.memoryUsage();
  const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
  return { rss: mib(usage.rss), heapUsed: mib(usage.heapUsed), heapTotal: mib(usage.heapTotal), external: mib(usage.external) };
}
