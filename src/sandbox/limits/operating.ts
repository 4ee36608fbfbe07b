import { type OperatingInfo } from '../envelope';

interface Bucket {
  openedAtMs: number;
  seconds: number;
}

const BUCKET_MS = 60_000;

/**
 * Execution-time budget per (method, app or webhook): seconds are summed into 1-minute buckets, each bucket
 * expires one window after the call that opened it; while the sum is at or above the limit the method is blocked.
 */
export class OperatingLimiter {
  private readonly buckets = new Map<string, Bucket[]>();

  constructor(
    private readonly limitSeconds: number,
    private readonly windowSeconds: number,
    private readonly now: () => number,
  ) {}

  /** Current totals; `blocked` when the budget is spent. */
  check(key: string): OperatingInfo & { blocked: boolean } {
    const live = this.liveBuckets(key);
    const operating = live.reduce((sum, b) => sum + b.seconds, 0);
    return { operating: round4(operating), operatingResetAt: this.resetAt(live), blocked: operating >= this.limitSeconds };
  }

  record(key: string, seconds: number): OperatingInfo {
    const live = this.liveBuckets(key);
    const nowMs = this.now();
    const last = live[live.length - 1];
    if (last && nowMs - last.openedAtMs < BUCKET_MS) last.seconds += seconds;
    else live.push({ openedAtMs: nowMs, seconds });
    const { operating, operatingResetAt } = this.check(key);
    return { operating, operatingResetAt };
  }

  private liveBuckets(key: string): Bucket[] {
    const cutoff = this.now() - this.windowSeconds * 1000;
    const live = (this.buckets.get(key) ?? []).filter((b) => b.openedAtMs > cutoff);
    this.buckets.set(key, live);
    return live;
  }

  private resetAt(live: Bucket[]): number {
    const oldest = live[0]?.openedAtMs ?? this.now();
    return Math.ceil((oldest + this.windowSeconds * 1000) / 1000);
  }
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
