/**
 * Rate-limit benchmark: a sandbox portal limited like a cloud plan (burst 50, drain 2/s) receives N
 * calls fired at once, first through the client's leaky bucket, then with the bucket disabled (the
 * naive baseline). Prints and writes bench/results/bitrix24-rate-limit.json.
 *
 *   npx tsx bench/bitrix24-rate-limit.ts            # 500 calls, ~225 s
 *   npx tsx bench/bitrix24-rate-limit.ts --calls 120
 */
import { createWebhookClient, LeakyBucket, RateLimitedError, rawCommand, type Bitrix24Client } from '../src/bitrix24';
import { startSandbox } from '../src/sandbox';
import { positiveIntegerArg, writeResult } from './support';

const LIMITS = { burst: 50, drainPerSecond: 2 };

interface RunResult {
  calls: number;
  succeeded: number;
  rateLimitedAtCaller: number;
  otherErrors: number;
  /** 503s the portal sent, including ones the client absorbed by retrying. */
  portal503: number;
  wallSeconds: number;
  /** Successful completions per second after the first `burst` completions. */
  sustainedRatePerSecond: number | null;
  ratioToDrainRate: number | null;
}

async function fireAll(client: Bitrix24Client, calls: number): Promise<{ completions: number[]; rateLimited: number; other: number }> {
  const completions: number[] = [];
  let rateLimited = 0;
  let other = 0;
  const list = rawCommand('crm.deal.list', { select: ['ID'], start: -1 });
  await Promise.all(
    Array.from({ length: calls }, () =>
      client.run(list).then(
        () => completions.push(performance.now()),
        (error: unknown) => (error instanceof RateLimitedError ? (rateLimited += 1) : (other += 1)),
      ),
    ),
  );
  return { completions: completions.sort((a, b) => a - b), rateLimited, other };
}

function sustainedRate(completions: readonly number[]): number | null {
  const first = completions[LIMITS.burst - 1];
  const last = completions[completions.length - 1];
  if (first === undefined || last === undefined || completions.length <= LIMITS.burst || last <= first) return null;
  return (completions.length - LIMITS.burst) / ((last - first) / 1000);
}

async function run(calls: number, withLimiter: boolean): Promise<RunResult> {
  const sandbox = await startSandbox({ limits: LIMITS });
  try {
    const client = createWebhookClient({
      webhookUrl: sandbox.webhookUrl,
      rateLimiter: withLimiter ? new LeakyBucket(LIMITS) : false,
      // The baseline is a naive caller: no pacing, no retries.
      ...(withLimiter ? {} : { retry: false as const }),
    });
    const started = performance.now();
    const { completions, rateLimited, other } = await fireAll(client, calls);
    const rate = sustainedRate(completions);
    return {
      calls,
      succeeded: completions.length,
      rateLimitedAtCaller: rateLimited,
      otherErrors: other,
      portal503: sandbox.stats().rejected503,
      wallSeconds: (performance.now() - started) / 1000,
      sustainedRatePerSecond: rate,
      ratioToDrainRate: rate === null ? null : rate / LIMITS.drainPerSecond,
    };
  } finally {
    await sandbox.stop();
  }
}

async function main(): Promise<void> {
  const calls = positiveIntegerArg(process.argv, '--calls', 500);
  console.log(`sandbox limits: burst ${LIMITS.burst}, drain ${LIMITS.drainPerSecond}/s; ${calls} calls fired at once`);
  const withLimiter = await run(calls, true);
  console.log('client with leaky bucket:', withLimiter);
  const baseline = await run(calls, false);
  console.log('baseline (bucket disabled, no retries):', baseline);
  const result = { benchmark: 'bitrix24-rate-limit', limits: LIMITS, calls, withLimiter, baseline, recordedAt: new Date().toISOString() };
  await writeResult('bitrix24-rate-limit', result);
  console.log(
    `503s reaching the caller: ${withLimiter.rateLimitedAtCaller} with the bucket vs ${baseline.rateLimitedAtCaller} without; ` +
      `sustained ${withLimiter.sustainedRatePerSecond?.toFixed(3) ?? 'n/a'}/s = ${withLimiter.ratioToDrainRate?.toFixed(3) ?? 'n/a'} × drain rate`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
