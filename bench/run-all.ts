/**
 * Every benchmark in sequence, each in its own process (a fresh heap and its own servers), stopping at the first
 * failure. The two long runs under a cloud plan's rate limit (bitrix24-rate-limit, deal-throughput, several minutes
 * each) only run with --with-rate-limit; the customer-year run uses 1 000 customers here (its own default, 10 000,
 * takes far longer on a small machine: run it alone).
 *
 *   npm run bench
 *   npm run bench -- --with-rate-limit
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

interface Run {
  file: string;
  args: string[];
  rateLimited?: boolean;
}

const RUNS: Run[] = [
  { file: 'deal-hits.ts', args: [] },
  { file: 'deal-latency.ts', args: [] },
  { file: 'bridge-ingest.ts', args: [] },
  { file: 'customer-year.ts', args: ['--customers', '1000'] },
  { file: 'deal-throughput.ts', args: [], rateLimited: true },
  { file: 'bitrix24-rate-limit.ts', args: [], rateLimited: true },
];

function main(): void {
  const withRateLimit = process.argv.includes('--with-rate-limit');
  const tsx = path.resolve(__dirname, '..', 'node_modules', '.bin', 'tsx');
  for (const run of RUNS.filter((r) => withRateLimit || !r.rateLimited)) {
    console.log(`\n=== ${run.file} ${run.args.join(' ')}`);
    const outcome = spawnSync(tsx, [path.join(__dirname, run.file), ...run.args], { stdio: 'inherit' });
    if (outcome.status !== 0) {
      console.error(`${run.file} failed (${outcome.error?.message ?? `exit ${outcome.status ?? outcome.signal}`})`);
      process.exitCode = 1;
      return;
    }
  }
  if (!withRateLimit) console.log('\n(skipped the rate-limited runs: add --with-rate-limit)');
}

main();
