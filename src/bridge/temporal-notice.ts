import { type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { crmEventSignal, type CrmEventNotice } from '../../workflows/crm-event';
import { CONTACT_ID, DEAL_ID, PORTAL } from '../temporal/search-attributes';
import { LOYALTY_TASK_QUEUE } from '../temporal/task-queues';
import { contactWorkflowId, dealWorkflowId } from '../temporal/workflow-ids';
import { type EntityEvent } from './payload';

/**
 * Hands one CRM event to the entity's workflow with signal-with-start: the workflow id is derived from the
 * entity, so the first event starts it and every later (or duplicated) event becomes one more signal.
 * Resolves only once Temporal has durably recorded the signal; rejects after `deadlineMs` otherwise.
 */
export async function signalEntityWorkflow(client: Client, portalKey: string, event: EntityEvent, deadlineMs: number): Promise<void> {
  const notice: CrmEventNotice = { event: event.event, entityId: event.entityId, ts: event.ts, source: 'webhook' };
  const common = { taskQueue: LOYALTY_TASK_QUEUE, signal: crmEventSignal, signalArgs: [notice] as [CrmEventNotice] };
  await client.withDeadline(Date.now() + deadlineMs, () =>
    event.kind === 'deal'
      ? client.workflow.signalWithStart('deal', {
          ...common,
          workflowId: dealWorkflowId(portalKey, event.entityId),
          args: [{ portal: portalKey, dealId: event.entityId }],
          typedSearchAttributes: new TypedSearchAttributes([
            { key: PORTAL, value: portalKey },
            { key: DEAL_ID, value: String(event.entityId) },
          ]),
        })
      : client.workflow.signalWithStart('contact', {
          ...common,
          workflowId: contactWorkflowId(portalKey, 'contact', event.entityId),
          args: [{ portal: portalKey, contactId: event.entityId }],
          typedSearchAttributes: new TypedSearchAttributes([
            { key: PORTAL, value: portalKey },
            { key: CONTACT_ID, value: String(event.entityId) },
          ]),
        }),
  );
}

/** A cheap round trip proving the Temporal frontend answers. */
export async function pingTemporal(client: Client, deadlineMs: number): Promise<void> {
  await client.withDeadline(Date.now() + deadlineMs, () => client.workflowService.getSystemInfo({}));
}
