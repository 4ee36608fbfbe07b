import { type Clock, systemClock } from './clock';

export interface LeakyBucketLimits {
  /** Requests the portal accepts back-to-back before it starts answering 503. */
  burst: number;
  /** Requests per second the portal's bucket drains. */
  drainPerSecond: number;
}

/** Cloud plans other than Enterprise. */
export const CLOUD_LIMITS: LeakyBucketLimits = { burst: 50, drainPerSecond: 2 };
export const ENTERPRISE_LIMITS: LeakyBucketLimits = { burst: 250, drainPerSecond: 5 };

const EPSILON = 1e-9;

export interface LeakyBucketOptions {
  /**
   * Units kept free below the portal's burst. The portal drains from when requests ARRIVE, this bucket from
   * when they are SENT; uneven network latency (a burst that arrives late, the next request that arrives
   * early) can otherwise overfill the portal's bucket by a fraction of a unit.
   */
  headroom?: number;
}

export const DEFAULT_HEADROOM = 1;

/**
 * Client-side mirror of the portal's request-rate leaky bucket: every request adds one unit, the level
 * drains continuously, and a request that would push the level above `burst - headroom` waits until it fits.
 * Waiters are served first-in first-out. One instance per portal per process; share it between clients.
 */
export class LeakyBucket {
  readonly limits: LeakyBucketLimits;
  private readonly clock: Clock;
  private level = 0;
  private updatedAt: number;
  private tail: Promise<void> = Promise.resolve();
  private readonly capacity: number;

  constructor(limits: LeakyBucketLimits = CLOUD_LIMITS, clock: Clock = systemClock, options: LeakyBucketOptions = {}) {
    if (!Number.isFinite(limits.burst) || limits.burst < 1) {
      throw new RangeError(`rate limiter burst must be a number >= 1, got ${limits.burst}`);
    }
    if (!Number.isFinite(limits.drainPerSecond) || limits.drainPerSecond <= 0) {
      throw new RangeError(`rate limiter drainPerSecond must be > 0, got ${limits.drainPerSecond}`);
    }
    const headroom = options.headroom ?? DEFAULT_HEADROOM;
    if (!Number.isFinite(headroom) || headroom < 0 || headroom >= limits.burst) {
      throw new RangeError(`rate limiter headroom must be >= 0 and below the burst (${limits.burst}), got ${headroom}`);
    }
    this.limits = { ...limits };
    this.capacity = limits.burst - headroom;
    this.clock = clock;
    this.updatedAt = clock.now();
  }

  /** Current fill level after draining up to now. */
  currentLevel(): number {
    this.drainUntilNow();
    return this.level;
  }

  /** Milliseconds until one more request fits, 0 if it fits now. */
  delayBeforeNextMs(): number {
    this.drainUntilNow();
    const overflow = this.level + 1 - this.capacity;
    return overflow <= EPSILON ? 0 : (overflow / this.limits.drainPerSecond) * 1000;
  }

  /**
   * Resolves when the caller may send one request; the request is counted on resolution. A caller whose `signal`
   * fires while it waits is rejected with the signal's reason at once, and its turn passes without taking a place.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(() => this.waitAndTake(signal));
    this.tail = turn.catch(() => undefined);
    return signal === undefined ? turn : rejectOnAbort(turn, signal);
  }

  /**
   * The portal answered 503: its bucket is full (other processes on our IP share it), so align ours
   * with it and let the drain pace the next attempt.
   */
  reportRejected(): void {
    this.drainUntilNow();
    this.level = Math.max(this.level, this.limits.burst);
  }

  private async waitAndTake(signal: AbortSignal | undefined): Promise<void> {
    for (let delay = this.delayBeforeNextMs(); delay > 0 && !signal?.aborted; delay = this.delayBeforeNextMs()) {
      await this.clock.sleep(Math.ceil(delay));
    }
    signal?.throwIfAborted();
    this.level += 1;
  }

  private drainUntilNow(): void {
    const now = this.clock.now();
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.level = Math.max(0, this.level - elapsedSeconds * this.limits.drainPerSecond);
    this.updatedAt = now;
  }
}

function rejectOnAbort(turn: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    turn.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
