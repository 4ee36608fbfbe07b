import { type FaultConfig } from './types';

/** mulberry32: tiny seeded PRNG so a given fault seed replays the same sequence of decisions. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `timeout` hangs before the call runs; `lost-response` runs the call, then hangs: applied, but the caller never hears. */
export type RequestFault =
  | { kind: 'none' }
  | { kind: 'status'; status: 503 | 429 | 500 }
  | { kind: 'timeout'; hangMs: number }
  | { kind: 'lost-response'; hangMs: number };

export type EventFate = { deliveries: { delayMs: number }[]; withoutTokens: boolean };

const DEFAULT_HANG_MS = 65_000;
const DEFAULT_REORDER_DELAY_MS = 300;

/** Decides, per request and per event, which configured fault (if any) strikes. */
export class FaultInjector {
  private config: FaultConfig = {};
  private random: () => number = Math.random;

  constructor(config?: FaultConfig) {
    this.set(config ?? {});
  }

  set(config: FaultConfig): void {
    this.config = config;
    this.random = config.seed === undefined ? Math.random : seededRandom(config.seed);
  }

  get current(): FaultConfig {
    return this.config;
  }

  latencyMs(): number {
    const latency = this.config.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    return latency.min + Math.floor(this.random() * (latency.max - latency.min + 1));
  }

  forRequest(method: string): RequestFault {
    const rates = this.config.errorRates;
    if (!rates) return { kind: 'none' };
    if (this.config.methods && !this.config.methods.includes(method)) return { kind: 'none' };
    const roll = this.random();
    let threshold = 0;
    for (const status of [503, 429, 500] as const) {
      threshold += rates[status] ?? 0;
      if (roll < threshold) return { kind: 'status', status };
    }
    threshold += rates.timeout ?? 0;
    if (roll < threshold) return { kind: 'timeout', hangMs: this.config.hangMs ?? DEFAULT_HANG_MS };
    threshold += rates.lostResponse ?? 0;
    if (roll < threshold) return { kind: 'lost-response', hangMs: this.config.hangMs ?? DEFAULT_HANG_MS };
    return { kind: 'none' };
  }

  operatingResetInSeconds(): number {
    return this.config.operatingResetInSeconds ?? 60;
  }

  forEvent(): EventFate {
    const faults = this.config.events ?? {};
    const withoutTokens = this.chance(faults.noTokenRate);
    if (this.chance(faults.dropRate)) return { deliveries: [], withoutTokens };
    const copies = this.chance(faults.duplicateRate) ? 2 : 1;
    const deliveries = Array.from({ length: copies }, () => ({
      delayMs: this.chance(faults.reorderRate) ? (faults.reorderDelayMs ?? DEFAULT_REORDER_DELAY_MS) : 0,
    }));
    return { deliveries, withoutTokens };
  }

  private chance(rate: number | undefined): boolean {
    if (!rate) return false;
    return this.random() < rate;
  }
}
