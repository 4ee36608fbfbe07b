/**
 * The whole engine as production wires it, for the deal benchmarks: a Temporal dev server of its own (free ports,
 * temporary database), the sandbox portal sending its outgoing webhooks to the bridge, the bridge signalling the
 * deal and contact workflows, and a loyalty worker in this process whose activities call the sandbox over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { type Bitrix24Client, createWebhookClient, LeakyBucket, LOYALTY_EVENTS, setupPortal } from '../src/bitrix24';
import { EVENTS_PATH, startBridge, type RunningBridge } from '../src/bridge';
import { loadProgramme } from '../src/config/load-programme';
import type { Programme } from '../src/domain/programme';
import { startSandbox, type LimitOptions, type SandboxHandle } from '../src/sandbox';
import { startDevServer, type RunningDevServer } from '../src/temporal/dev-server';
import { startLoyaltyWorker, type StartedLoyaltyWorker } from '../src/worker/loyalty-worker';
import { readWorkerTuning } from '../src/worker/tuning';
import { devServerExecutable, freePort, sleep } from './support';

export const PROGRAMME_FILE = path.resolve(__dirname, '..', 'loyalty.config.yaml');

/** What `loyalty setup` tells the admin to tick for the outgoing webhook (the move event is not offered there). */
const OUTGOING_WEBHOOK_EVENTS = LOYALTY_EVENTS.filter((event) => event !== 'ONCRMDEALMOVETOCATEGORY');

export interface LoyaltyStack {
  sandbox: SandboxHandle;
  bitrix: Bitrix24Client;
  temporal: Client;
  programme: Programme;
  /** Portal key and task queue of this run. */
  portal: string;
  stop(): Promise<void>;
}

let runtimeQuieted = false;

/** The SDK logs every worker state change at INFO; benchmarks print their own lines only. */
export function quietTemporalRuntime(): void {
  if (runtimeQuieted) return;
  runtimeQuieted = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/**
 * `limits: false` for an unlimited portal (and a client without its leaky bucket), or a plan's limits, which the
 * client then paces itself to as in production.
 */
export async function startLoyaltyStack(options: { label: string; limits: false | LimitOptions }): Promise<LoyaltyStack> {
  quietTemporalRuntime();
  const portal = `bench-${options.label}-${randomUUID().slice(0, 8)}`;
  const identity = { key: portal, memberId: `member-${randomUUID()}`, applicationToken: `token-${randomUUID()}` };
  const programme = loadProgramme(PROGRAMME_FILE);
  const dataDir = await mkdtemp(path.join(tmpdir(), `bench-${options.label}-`));
  const stops: (() => Promise<unknown>)[] = [() => rm(dataDir, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const step of stops.splice(0).reverse()) await step();
  };
  try {
    const server: RunningDevServer = await startDevServer({
      executable: devServerExecutable(),
      port: await freePort(),
      uiPort: await freePort(),
      dbFile: path.join(dataDir, 'temporal.db'),
      namespace: 'default',
    });
    stops.push(() => server.stop());
    const connection = await Connection.connect({ address: server.address });
    stops.push(() => connection.close());
    const temporal = new Client({ connection });
    const bridge: RunningBridge = await startBridge({ portals: [identity], temporal, taskQueue: portal, logger: false });
    stops.push(() => bridge.stop());
    const sandbox = await startSandbox({
      limits: options.limits,
      portal: { memberId: identity.memberId },
      outgoingWebhooks: [{ handlerUrl: `${bridge.url}${EVENTS_PATH}`, events: [...OUTGOING_WEBHOOK_EVENTS], applicationToken: identity.applicationToken }],
    });
    stops.push(() => sandbox.stop());
    const bitrix = createWebhookClient({
      webhookUrl: sandbox.webhookUrl,
      rateLimiter: options.limits === false ? false : new LeakyBucket({ burst: options.limits.burst, drainPerSecond: options.limits.drainPerSecond }),
    });
    await setupPortal(bitrix, { log: () => undefined });
    const worker: StartedLoyaltyWorker = await startLoyaltyWorker({
      temporalAddress: server.address,
      namespace: 'default',
      taskQueue: portal,
      portal,
      bitrix,
      programme,
      tuning: readWorkerTuning({}),
    });
    stops.push(() => worker.stop());
    return { sandbox, bitrix, temporal, programme, portal, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Waits until the portal has seen no REST request and sent no event for `quietMs` (longer than the workflows'
 * 2 s coalescing window), i.e. the engine finished everything the last changes caused, echo events included.
 * Returns when the last request arrived (performance.now() clock).
 */
export async function waitForQuietPortal(sandbox: SandboxHandle, quietMs: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  const activity = (): string => {
    const stats = sandbox.stats();
    return `${stats.httpRequests}/${stats.eventsDelivered + stats.eventsFailed + stats.eventsDropped}`;
  };
  let seen = activity();
  let lastChange = performance.now();
  for (;;) {
    await sleep(20);
    const now = activity();
    if (now !== seen) {
      seen = now;
      lastChange = performance.now();
    } else if (performance.now() - lastChange >= quietMs) {
      return lastChange;
    }
    if (performance.now() > deadline) throw new Error(`the portal was still busy after ${Math.round(timeoutMs / 1000)} s`);
  }
}
