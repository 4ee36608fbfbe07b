import { describe, expect, it } from 'vitest';
import { CLOUD_LIMITS, ENTERPRISE_LIMITS, LeakyBucket } from '../../src/bitrix24';
import { FakeClock } from './helpers/fake-clock';

describe('LeakyBucket', () => {
  it('lets a full burst through without waiting, then paces at the drain rate', async () => {
    const clock = new FakeClock();
    const bucket = new LeakyBucket(CLOUD_LIMITS, clock, { headroom: 0 });
    const start = clock.now();
    for (let i = 0; i < 50; i += 1) await bucket.acquire();
    expect(clock.now()).toBe(start);
    for (let i = 0; i < 10; i += 1) await bucket.acquire();
    // 10 more requests at 2/s need 5 s of drain.
    expect(clock.now() - start).toBe(5000);
    expect(bucket.currentLevel()).toBeCloseTo(50, 6);
  });

  it('never lets the level exceed the burst, whatever the arrival pattern', async () => {
    const clock = new FakeClock();
    const bucket = new LeakyBucket({ burst: 5, drainPerSecond: 2 }, clock, { headroom: 0 });
    for (let i = 0; i < 40; i += 1) {
      await bucket.acquire();
      expect(bucket.currentLevel()).toBeLessThanOrEqual(5 + 1e-9);
      clock.advance((i * 37) % 450);
    }
  });

  it('drains while idle', async () => {
    const clock = new FakeClock();
    const bucket = new LeakyBucket(ENTERPRISE_LIMITS, clock, { headroom: 0 });
    for (let i = 0; i < 250; i += 1) await bucket.acquire();
    expect(bucket.delayBeforeNextMs()).toBeCloseTo(200, 6);
    clock.advance(10_000);
    expect(bucket.currentLevel()).toBeCloseTo(200, 6);
    expect(bucket.delayBeforeNextMs()).toBe(0);
  });

  it('serves concurrent waiters first come first served', async () => {
    const clock = new FakeClock();
    const bucket = new LeakyBucket({ burst: 1, drainPerSecond: 1 }, clock, { headroom: 0 });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => bucket.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(clock.sleeps).toEqual([1000, 1000, 1000]);
  });

  it('rejects a waiter whose signal fired and lets the next one have the place it would have taken', async () => {
    const clock = new FakeClock();
    const bucket = new LeakyBucket({ burst: 1, drainPerSecond: 1 }, clock, { headroom: 0 });
    await bucket.acquire();
    const gaveUp = new AbortController();
    gaveUp.abort(new Error('attempt out of time'));
    const start = clock.now();
    await expect(bucket.acquire(gaveUp.signal)).rejects.toThrow('attempt out of time');
    await bucket.acquire();
    // One drain period for the one request that went; the abandoned waiter cost nothing.
    expect(clock.now() - start).toBe(1000);
    expect(bucket.currentLevel()).toBeCloseTo(1, 6);
  });

  it('keeps the default headroom of one unit below the portal burst', async () => {
    const clock = new FakeClock();
    const bucket = new LeakyBucket(CLOUD_LIMITS, clock);
    for (let i = 0; i < 49; i += 1) await bucket.acquire();
    expect(bucket.delayBeforeNextMs()).toBeCloseTo(500, 6);
    await bucket.acquire();
    expect(clock.now() - 1_700_000_000_000).toBe(500);
  });

  it('aligns with the portal after a 503: the next request waits one drain interval', async () => {
    const clock = new FakeClock();
    const bucket = new LeakyBucket(CLOUD_LIMITS, clock, { headroom: 0 });
    await bucket.acquire();
    bucket.reportRejected();
    expect(bucket.delayBeforeNextMs()).toBeCloseTo(500, 6);
  });

  it('rejects nonsensical limits naming the parameter', () => {
    expect(() => new LeakyBucket({ burst: 0, drainPerSecond: 2 })).toThrow(/burst/);
    expect(() => new LeakyBucket({ burst: 5, drainPerSecond: 0 })).toThrow(/drainPerSecond/);
    expect(() => new LeakyBucket({ burst: 5, drainPerSecond: 1 }, undefined, { headroom: 5 })).toThrow(/headroom/);
  });
});
