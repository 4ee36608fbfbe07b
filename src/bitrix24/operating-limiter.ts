import { type Clock, systemClock } from './clock';

export interface OperatingLimiterOptions {
  /** The portal's per-method execution budget in seconds over its 10-minute window (cloud: 480). */
  limitSeconds: number;
  /** Pause a method proactively once `time.operating` reaches this share of the budget. */
  pauseAtFraction: number;
  /** Pause applied after a 429 when the portal gave no `operating_reset_at` at all. */
  fallbackPauseMs: number;
}

export const DEFAULT_OPERATING_LIMITS: OperatingLimiterOptions = {
  limitSeconds: 480,
  pauseAtFraction: 0.9,
  fallbackPauseMs: 60_000,
};

export interface OperatingObservation {
  /** Seconds of execution time this method has accumulated (`time.operating`). */
  operatingSeconds?: number;
  /** Epoch ms when the oldest bucket expires (`time.operating_reset_at`). */
  resetAtMs?: number;
}

/**
 * Per-method back-off for the portal's execution-time limit: a method is paused until its
 * `operating_reset_at` after a 429, or before one when `time.operating` nears the budget.
 * Other methods keep running. Method names are case-insensitive on the portal, so here too.
 */
export class OperatingLimiter {
  readonly options: OperatingLimiterOptions;
  private readonly clock: Clock;
  private readonly pausedUntil = new Map<string, number>();
  private readonly lastResetAt = new Map<string, number>();

  constructor(options: Partial<OperatingLimiterOptions> = {}, clock: Clock = systemClock) {
    this.options = { ...DEFAULT_OPERATING_LIMITS, ...options };
    this.clock = clock;
  }

  observe(method: string, observation: OperatingObservation): void {
    const key = method.toLowerCase();
    if (observation.resetAtMs !== undefined) this.lastResetAt.set(key, observation.resetAtMs);
    const threshold = this.options.limitSeconds * this.options.pauseAtFraction;
    if (observation.operatingSeconds !== undefined && observation.operatingSeconds >= threshold) {
      this.pause(key, observation.resetAtMs ?? this.clock.now() + this.options.fallbackPauseMs);
    }
  }

  /** The portal answered 429 for `method`; returns the pause in ms now in force for it. */
  reportLimited(method: string, resetAtMs: number | undefined): number {
    const key = method.toLowerCase();
    const knownReset = resetAtMs ?? this.lastResetAt.get(key);
    const now = this.clock.now();
    this.pause(key, knownReset !== undefined && knownReset > now ? knownReset : now + this.options.fallbackPauseMs);
    return this.remainingPauseMs([method]);
  }

  /** Longest remaining pause among `methods`, 0 when none is paused. */
  remainingPauseMs(methods: readonly string[]): number {
    const now = this.clock.now();
    let longest = 0;
    for (const method of methods) {
      const until = this.pausedUntil.get(method.toLowerCase());
      if (until !== undefined) longest = Math.max(longest, until - now);
    }
    return longest;
  }

  private pause(key: string, untilMs: number): void {
    this.pausedUntil.set(key, Math.max(untilMs, this.pausedUntil.get(key) ?? 0));
  }
}
