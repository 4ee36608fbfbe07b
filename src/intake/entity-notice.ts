import { type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { CONTACT_EVENTS, crmEventSignal, DEAL_EVENTS, type ContactEventName, type CrmEventNotice, type DealEventName } from '../../workflows/crm-event';
import { CONTACT_ID, DEAL_ID, PORTAL } from '../temporal/search-attributes';
import { contactWorkflowId, dealWorkflowId } from '../temporal/workflow-ids';

export type EntityKind = 'deal' | 'contact';
export type EntityEventName = DealEventName | ContactEventName;

/** One wake-up call for an entity's workflow, from any intake path (webhook, offline queue, reconciler, backfill). */
export interface EntityNotice {
  kind: EntityKind;
  entityId: number;
  event: CrmEventNotice['event'];
  /** Unix seconds. */
  ts: number;
  source: CrmEventNotice['source'];
}

/** Which portal's workflows, on which task queue. */
export interface IntakeRoute {
  portal: string;
  taskQueue: string;
}

const DEAL_EVENT_NAMES: ReadonlySet<string> = new Set(DEAL_EVENTS);
const CONTACT_EVENT_NAMES: ReadonlySet<string> = new Set(CONTACT_EVENTS);

/** Which workflow family a Bitrix24 event wakes, or null for events the engine does not react to. */
export function entityKindOf(event: string): EntityKind | null {
  if (DEAL_EVENT_NAMES.has(event)) return 'deal';
  if (CONTACT_EVENT_NAMES.has(event)) return 'contact';
  return null;
}

export function isEntityEvent(event: string): event is EntityEventName {
  return entityKindOf(event) !== null;
}

/**
 * The one intake path into the engine: signal-with-start of the entity's workflow. The workflow id is derived
 * from the entity, so the first notice starts it and every later (or duplicated) one becomes one more signal;
 * the workflow re-reads the entity, so how often and from where it is woken does not change the outcome.
 * Resolves once Temporal has durably recorded the signal; with `deadlineMs`, rejects when that takes longer.
 */
export async function signalEntityWorkflow(client: Client, route: IntakeRoute, notice: EntityNotice, deadlineMs?: number): Promise<void> {
  const crmNotice: CrmEventNotice = { event: notice.event, entityId: notice.entityId, ts: notice.ts, source: notice.source };
  const common = { taskQueue: route.taskQueue, signal: crmEventSignal, signalArgs: [crmNotice] as [CrmEventNotice] };
  const send = () =>
    notice.kind === 'deal'
      ? client.workflow.signalWithStart('deal', {
          ...common,
          workflowId: dealWorkflowId(route.portal, notice.entityId),
          args: [{ portal: route.portal, dealId: notice.entityId }],
          staticSummary: `deal ${notice.entityId}: won/lost bookkeeping and discounts`,
          typedSearchAttributes: new TypedSearchAttributes([
            { key: PORTAL, value: route.portal },
            { key: DEAL_ID, value: String(notice.entityId) },
          ]),
        })
      : client.workflow.signalWithStart('contact', {
          ...common,
          workflowId: contactWorkflowId(route.portal, 'contact', notice.entityId),
          args: [{ portal: route.portal, contactId: notice.entityId }],
          staticSummary: `contact ${notice.entityId}: referral code, referrer link, birthday`,
          typedSearchAttributes: new TypedSearchAttributes([
            { key: PORTAL, value: route.portal },
            { key: CONTACT_ID, value: String(notice.entityId) },
          ]),
        });
  await (deadlineMs === undefined ? send() : client.withDeadline(Date.now() + deadlineMs, send));
}
