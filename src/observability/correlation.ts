/**
 * Log correlation from a workflow id. Workflow ids are built from opaque CRM identifiers only
 * (see src/temporal/workflow-ids.ts), so the portal, contact and deal ids they carry are safe to log.
 */
export interface Correlation {
  portal?: string;
  contactId?: number;
  dealId?: number;
  bonusRequestId?: string;
}

const LOYALTY_WORKFLOW_ID = /^loyalty\/([^/]+)\/[a-z-]+\/(contact|deal|request)-(.+)$/;

/** The ids a loyalty workflow id names; an empty object for any other id. */
export function correlationOf(workflowId: string | undefined): Correlation {
  const match = workflowId === undefined ? null : LOYALTY_WORKFLOW_ID.exec(workflowId);
  if (!match) return {};
  const [, portal, subject, id] = match as unknown as [string, string, string, string];
  if (subject === 'request') return { portal, bonusRequestId: id };
  const numeric = /^\d+$/.test(id) ? Number(id) : undefined;
  if (numeric === undefined) return { portal };
  return subject === 'deal' ? { portal, dealId: numeric } : { portal, contactId: numeric };
}
