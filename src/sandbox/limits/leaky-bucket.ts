/**
 * The portal's request-rate limit: every HTTP request adds 1, the level drains continuously,
 * a request that would push the level past `burst` is refused (and does not count).
 */
export class LeakyBucket {
  private level = 0;
  private lastMs: number;

  constructor(
    private readonly burst: number,
    private readonly drainPerSecond: number,
    private readonly now: () => number,
  ) {
    this.lastMs = now();
  }

  tryTake(): boolean {
    const nowMs = this.now();
    this.level = Math.max(0, this.level - ((nowMs - this.lastMs) / 1000) * this.drainPerSecond);
    this.lastMs = nowMs;
    if (this.level + 1 > this.burst) return false;
    this.level += 1;
    return true;
  }
}
