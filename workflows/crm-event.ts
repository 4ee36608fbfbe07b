import { defineSignal } from '@temporalio/workflow';

/** The Bitrix24 CRM events the engine reacts to. */
export const DEAL_EVENTS = ['ONCRMDEALADD', 'ONCRMDEALUPDATE', 'ONCRMDEALDELETE', 'ONCRMDEALMOVETOCATEGORY'] as const;
export const CONTACT_EVENTS = ['ONCRMCONTACTADD', 'ONCRMCONTACTUPDATE', 'ONCRMCONTACTDELETE'] as const;
export type DealEventName = (typeof DEAL_EVENTS)[number];
export type ContactEventName = (typeof CONTACT_EVENTS)[number];

/**
 * A CRM change notice as it reaches a workflow. Bitrix24 events carry only the entity id, so the workflow
 * re-reads the entity; the notice is a wake-up call, and duplicates or reordering are harmless.
 */
export interface CrmEventNotice {
  event: DealEventName | ContactEventName | 'RECONCILE';
  entityId: number;
  /** Unix seconds from the event's `ts` (or the reconciler's scan time). */
  ts: number;
  /** Where it came from: the bridge, the offline queue or the reconciler. */
  source: 'webhook' | 'offline' | 'reconciler' | 'backfill';
}

export const crmEventSignal = defineSignal<[CrmEventNotice]>('crmEvent');
