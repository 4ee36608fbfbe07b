/**
 * Bridge ingest benchmark: Bitrix24 deal events POSTed in their form encoding to the bridge on loopback, which
 * acknowledges each only after Temporal recorded its signal-with-start, against a bare signal-with-start loop
 * (the same call without HTTP, parsing or authentication) in the same run, on the same dev server.
 * Prints and writes bench/results/bridge-ingest.json.
 *
 *   npx tsx bench/bridge-ingest.ts                       # 2 000 events, 32 in flight
 *   npx tsx bench/bridge-ingest.ts --events 500 --concurrency 16
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import axios from 'axios';
import { startBridge } from '../src/bridge';
import { signalEntityWorkflow } from '../src/intake/entity-notice';
import { LOYALTY_TASK_QUEUE } from '../src/temporal/task-queues';
import { encodeFormPairs } from '../src/sandbox/php-form';
import { startDevServer } from '../src/temporal/dev-server';
import { devServerExecutable, freePort, latencySummary, positiveIntegerArg, runPool, writeResult, type LatencySummary } from './support';

const PORTAL = { key: 'bench-ingest', memberId: 'bench-member', applicationToken: 'bench-application-token' };

/** What the bridge hands Temporal for one deal event. */
function dealNotice(dealId: number) {
  return { event: 'ONCRMDEALUPDATE', kind: 'deal', entityId: dealId, ts: 1, source: 'webhook' } as const;
}

interface IngestRun {
  events: number;
  concurrency: number;
  failures: number;
  eventsPerSecond: number;
  latencyMs: LatencySummary;
}

function dealEventForm(dealId: number): string {
  return encodeFormPairs([
    ['event', 'ONCRMDEALUPDATE'],
    ['data[FIELDS][ID]', String(dealId)],
    ['ts', String(Math.floor(Date.now() / 1000))],
    ['auth[domain]', 'bench.bitrix24.com'],
    ['auth[member_id]', PORTAL.memberId],
    ['auth[application_token]', PORTAL.applicationToken],
  ]);
}

async function timed(events: number, concurrency: number, send: (index: number) => Promise<void>): Promise<IngestRun> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  await runPool(events, concurrency, async (index) => {
    const sent = performance.now();
    try {
      await send(index);
      latencies.push(performance.now() - sent);
    } catch {
      failures += 1;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  return { events, concurrency, failures, eventsPerSecond: latencies.length / seconds, latencyMs: latencySummary(latencies) };
}

async function main(): Promise<void> {
  const events = positiveIntegerArg(process.argv, '--events', 2000);
  const concurrency = positiveIntegerArg(process.argv, '--concurrency', 32);
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  const server = await startDevServer({
    executable: devServerExecutable(),
    port: await freePort(),
    uiPort: await freePort(),
    dbFile: join(dataDir, 'temporal.db'),
    namespace: 'default',
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const bridge = await startBridge({ portals: [PORTAL], temporal: client, logger: false });
  try {
    // Warm both paths so neither pays for connection set-up inside the measurement.
    await timed(100, concurrency, (i) => signalEntityWorkflow(client, { portal: 'warm-bare', taskQueue: LOYALTY_TASK_QUEUE }, dealNotice(i + 1), 10_000));
    await timed(100, concurrency, (i) => postEvent(bridge.url, 1_000_000 + i));

    const bare = await timed(events, concurrency, (i) =>
      signalEntityWorkflow(client, { portal: 'bench-bare', taskQueue: LOYALTY_TASK_QUEUE }, dealNotice(i + 1), 10_000),
    );
    const viaBridge = await timed(events, concurrency, (i) => postEvent(bridge.url, i + 1));
    const result = {
      benchmark: 'bridge-ingest',
      at: new Date().toISOString(),
      bareSignalWithStart: bare,
      bridge: viaBridge,
      throughputRatioToBare: viaBridge.eventsPerSecond / bare.eventsPerSecond,
      p50RatioToBare: viaBridge.latencyMs.p50 / bare.latencyMs.p50,
    };
    console.log(`events ${events}, ${concurrency} in flight, each a new deal workflow (signal-with-start)`);
    console.log(`bare signal-with-start: ${bare.eventsPerSecond.toFixed(0)} events/s, p50 ${bare.latencyMs.p50.toFixed(1)} ms, p99 ${bare.latencyMs.p99.toFixed(1)} ms, failures ${bare.failures}`);
    console.log(`bridge (HTTP form POST): ${viaBridge.eventsPerSecond.toFixed(0)} events/s, p50 ${viaBridge.latencyMs.p50.toFixed(1)} ms, p99 ${viaBridge.latencyMs.p99.toFixed(1)} ms, failures ${viaBridge.failures}`);
    console.log(`bridge / bare: throughput ${result.throughputRatioToBare.toFixed(3)}×, p50 latency ${result.p50RatioToBare.toFixed(2)}×`);
    console.log(`written ${await writeResult('bridge-ingest', result)}`);
  } finally {
    await bridge.stop();
    await connection.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function postEvent(bridgeUrl: string, dealId: number): Promise<void> {
  const response = await axios.post(`${bridgeUrl}/bitrix24/events`, dealEventForm(dealId), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    validateStatus: () => true,
  });
  if (response.status !== 200) throw new Error(`bridge answered ${response.status}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
