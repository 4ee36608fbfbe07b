import { Counter, Histogram, Registry } from 'prom-client';

export const REJECTION_REASONS = [
  'unauthorized',
  'malformed',
  'too_large',
  'unknown_event',
  'temporal_unavailable',
  'oauth_unavailable',
  /** The installed applications' token store could not be read, so the event could not be authenticated (503). */
  'token_store_unavailable',
  /** The bridge failed itself (500): a bug, or an install confirmed but not stored. */
  'internal',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
export type EventOutcome = 'accepted' | RejectionReason;

/** Prometheus metrics of one bridge instance, in a registry of its own so several bridges can share a process. */
export class BridgeMetrics {
  readonly registry = new Registry();
  private readonly received = new Counter({
    name: 'loyalty_bridge_events_received_total',
    help: 'Event POSTs received, whatever their outcome',
    registers: [this.registry],
  });
  private readonly accepted = new Counter({
    name: 'loyalty_bridge_events_accepted_total',
    help: 'Events durably handed to Temporal (signal-with-start accepted) and acknowledged with 200',
    labelNames: ['event'],
    registers: [this.registry],
  });
  private readonly rejected = new Counter({
    name: 'loyalty_bridge_events_rejected_total',
    help: 'Event POSTs not handed to Temporal, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly ackSeconds = new Histogram({
    name: 'loyalty_bridge_ack_duration_seconds',
    help: 'Time from receiving an event POST to answering it, by outcome',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    // Zero-valued series from the start, so a rate() over a reason that has not happened yet is 0, not absent.
    for (const reason of REJECTION_REASONS) this.rejected.labels({ reason }).inc(0);
  }

  record(outcome: EventOutcome, seconds: number, event?: string): void {
    this.received.inc();
    if (outcome === 'accepted') this.accepted.inc({ event: event ?? 'unknown' });
    else this.rejected.inc({ reason: outcome });
    this.ackSeconds.observe({ outcome }, seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
