import { type Actor, type EmittedEvent } from '../crm/context';
import { type FaultInjector } from '../faults';
import { type PortalEndpoints, type TokenAuthority, tokenSessionPairs } from '../oauth';
import { encodeFormPairs } from '../php-form';
import { type EventBinding, type PortalState } from '../state/store';
import { type OutgoingWebhook } from '../types';
import { enqueueOffline } from './offline-queue';
import { subscriptionsFor } from './bindings';

export interface DeliveryRecord {
  seq: number;
  event: string;
  handler: string;
  body: string;
  status: 'delivered' | 'failed' | 'dropped';
  httpStatus?: number;
  atMs: number;
}

const HANDLER_TIMEOUT_MS = 10_000;

/** Collapses byte-identical events inside one portal hit, as the core's event buffer does. */
export function collapseIdentical(events: EmittedEvent[]): EmittedEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = `${e.name}|${JSON.stringify(e.fields)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Fans events out to subscriptions after the hit: offline bindings queue, online handlers get a form-encoded
 * POST on a timer — at most once, no retries, subject to the configured drop/duplicate/reorder/no-token faults.
 */
export class EventDispatcher {
  readonly log: DeliveryRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;

  constructor(
    private readonly state: () => PortalState,
    private readonly outgoing: OutgoingWebhook[],
    private readonly faults: FaultInjector,
    private readonly tokens: TokenAuthority,
    private readonly endpoints: () => PortalEndpoints,
    private readonly now: () => number,
  ) {}

  dispatch(events: EmittedEvent[], actor: Actor): void {
    for (const event of collapseIdentical(events)) {
      const ts = Math.floor(this.now() / 1000);
      for (const binding of subscriptionsFor(this.state(), this.outgoing, event.name)) {
        if (binding.offline) this.queueOffline(binding, event, actor);
        else this.scheduleOnline(binding, event, actor, ts);
      }
    }
  }

  /** Resolves once every scheduled delivery has been attempted. */
  async settle(): Promise<void> {
    while (this.timers.size > 0 || this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
      if (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  cancelPending(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private queueOffline(binding: EventBinding, event: EmittedEvent, actor: Actor): void {
    if (binding.clientId === null) return;
    if (binding.authConnector !== null && binding.authConnector === actor.authConnector) return;
    enqueueOffline(this.state(), this.now(), { clientId: binding.clientId, event: event.name, data: event.fields, userId: actor.userId, authConnector: actor.authConnector });
  }

  private scheduleOnline(binding: EventBinding, event: EmittedEvent, actor: Actor, ts: number): void {
    const fate = this.faults.forEvent();
    const body = encodeFormPairs(this.payload(binding, event, actor, ts, fate.withoutTokens));
    if (fate.deliveries.length === 0) {
      this.log.push({ seq: ++this.seq, event: event.name, handler: binding.handler, body, status: 'dropped', atMs: this.now() });
      return;
    }
    for (const { delayMs } of fate.deliveries) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        const sending = this.post(binding.handler, event.name, body).finally(() => this.inFlight.delete(sending));
        this.inFlight.add(sending);
      }, delayMs);
      this.timers.add(timer);
    }
  }

  private payload(binding: EventBinding, event: EmittedEvent, actor: Actor, ts: number, forceNoTokens: boolean): [string, string][] {
    const endpoints = this.endpoints();
    const pairs: [string, string][] = [
      ['event', event.name],
      ['event_handler_id', String(binding.id)],
      ...Object.entries(event.fields).map(([k, v]): [string, string] => [`data[FIELDS][${k}]`, v]),
      ['ts', String(ts)],
    ];
    const withTokens = binding.clientId !== null && !actor.robot && !forceNoTokens;
    if (withTokens) {
      const userId = binding.authType || actor.userId;
      const issued = this.tokens.issue(binding.clientId!, userId);
      pairs.push(
        ['auth[access_token]', issued.accessToken],
        ['auth[expires]', String(issued.expiresAt)],
        ...tokenSessionPairs(endpoints),
        ['auth[user_id]', String(userId)],
        ['auth[application_token]', binding.applicationToken],
      );
    } else {
      pairs.push(
        ['auth[domain]', endpoints.domain],
        ['auth[server_endpoint]', endpoints.serverEndpoint],
        ['auth[client_endpoint]', endpoints.clientEndpoint],
        ['auth[member_id]', endpoints.memberId],
        ['auth[application_token]', binding.applicationToken],
      );
    }
    return pairs;
  }

  /** Posts one event now, outside the fault injector: the install and uninstall an administrator performs. */
  async postNow(handler: string, event: string, pairs: [string, string][]): Promise<DeliveryRecord> {
    await this.post(handler, event, encodeFormPairs(pairs));
    return this.log.at(-1)!;
  }

  private async post(handler: string, event: string, body: string): Promise<void> {
    const record: DeliveryRecord = { seq: ++this.seq, event, handler, body, status: 'failed', atMs: this.now() };
    try {
      const response = await fetch(handler, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Bitrix24 Webhook Engine' },
        body,
        signal: AbortSignal.timeout(HANDLER_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      record.httpStatus = response.status;
      record.status = response.ok ? 'delivered' : 'failed';
    } catch {
      record.status = 'failed';
    }
    this.log.push(record);
  }
}
