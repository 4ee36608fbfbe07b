import { z } from 'zod';
import { formatIssues } from '../config/issues';

/** How much one worker process takes on at once, and how long it lets running activities finish on shutdown. */
export interface WorkerTuning {
  /** Sticky workflow cache: histories kept in memory so a woken customer workflow does not replay from scratch. */
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentActivityTaskExecutions: number;
  /** After SIGTERM, running activities get this long to finish before they are cancelled. */
  shutdownGraceTimeMs: number;
}

const count = (fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .default(fallback);

// Defaults sized for one portal in a 1 GB container. Measured (bench/customer-year.ts, 1 000 customers): the worker
// starts at ~400 MiB RSS and reaches ~840 MiB with 100 cached workflows, ~1.5 GiB with 500. Bitrix24 activities
// wait on a ~2 req/s portal budget, so more slots only queue longer.
const schema = z.object({
  LOYALTY_WORKER_MAX_CACHED_WORKFLOWS: count(100, 0, 100_000),
  // The SDK needs two workflow task slots whenever the cache is on.
  LOYALTY_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: count(20, 2, 1_000),
  LOYALTY_WORKER_MAX_CONCURRENT_ACTIVITIES: count(20, 1, 1_000),
  LOYALTY_WORKER_SHUTDOWN_GRACE_SECONDS: count(30, 0, 3_600),
});

/** The worker's cache and concurrency limits from LOYALTY_WORKER_*; every wrong value is reported by name. */
export function readWorkerTuning(env: Readonly<Record<string, string | undefined>>): WorkerTuning {
  const present = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, env[name]?.trim() || undefined]));
  const result = schema.safeParse(present, { reportInput: false });
  if (!result.success) throw new Error(`invalid worker settings\n${formatIssues(result.error.issues).map((line) => `  ${line}`).join('\n')}`);
  const v = result.data;
  return {
    maxCachedWorkflows: v.LOYALTY_WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: v.LOYALTY_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivityTaskExecutions: v.LOYALTY_WORKER_MAX_CONCURRENT_ACTIVITIES,
    shutdownGraceTimeMs: v.LOYALTY_WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
  };
}
