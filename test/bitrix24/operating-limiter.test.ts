import { describe, expect, it } from 'vitest';
import { OperatingLimiter } from '../../src/bitrix24';
import { FakeClock } from './helpers/fake-clock';

describe('OperatingLimiter', () => {
  it('pauses a method after a 429 until operating_reset_at, leaving other methods alone', () => {
    const clock = new FakeClock();
    const limiter = new OperatingLimiter({}, clock);
    const pause = limiter.reportLimited('crm.deal.list', clock.now() + 42_000);
    expect(pause).toBe(42_000);
    expect(limiter.remainingPauseMs(['CRM.DEAL.LIST'])).toBe(42_000);
    expect(limiter.remainingPauseMs(['crm.deal.get'])).toBe(0);
    clock.advance(42_000);
    expect(limiter.remainingPauseMs(['crm.deal.list'])).toBe(0);
  });

  it('uses the last reset time seen on a success when the 429 carries none', () => {
    const clock = new FakeClock();
    const limiter = new OperatingLimiter({}, clock);
    limiter.observe('crm.deal.list', { operatingSeconds: 12, resetAtMs: clock.now() + 90_000 });
    expect(limiter.remainingPauseMs(['crm.deal.list'])).toBe(0);
    expect(limiter.reportLimited('crm.deal.list', undefined)).toBe(90_000);
  });

  it('falls back to a fixed pause when no reset time is known', () => {
    const clock = new FakeClock();
    const limiter = new OperatingLimiter({ fallbackPauseMs: 5_000 }, clock);
    expect(limiter.reportLimited('batch', undefined)).toBe(5_000);
  });

  it('pauses proactively when time.operating approaches the budget', () => {
    const clock = new FakeClock();
    const limiter = new OperatingLimiter({ limitSeconds: 100, pauseAtFraction: 0.9 }, clock);
    limiter.observe('crm.deal.list', { operatingSeconds: 89, resetAtMs: clock.now() + 30_000 });
    expect(limiter.remainingPauseMs(['crm.deal.list'])).toBe(0);
    limiter.observe('crm.deal.list', { operatingSeconds: 90, resetAtMs: clock.now() + 30_000 });
    expect(limiter.remainingPauseMs(['crm.deal.get', 'crm.deal.list'])).toBe(30_000);
  });
});
