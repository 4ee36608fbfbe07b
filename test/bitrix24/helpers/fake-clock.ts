import { type Clock } from '../../../src/bitrix24';

/** A clock whose `sleep` advances time instantly and records each requested sleep. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
}
