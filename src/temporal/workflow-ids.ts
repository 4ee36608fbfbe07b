// Deterministic workflow ids: the same business entity always maps to the same workflow, which makes
// signal-with-start idempotent and lets ops find a customer's workflows by id. Pure, importable from workflows.

export type ContactWorkflowKind = 'contact' | 'referral' | 'cashback' | 'birthday' | 'purchases';

export function contactWorkflowId(portal: string, kind: ContactWorkflowKind, contactId: number): string {
  return `loyalty/${portal}/${kind}/contact-${contactId}`;
}

export function dealWorkflowId(portal: string, dealId: number): string {
  return `loyalty/${portal}/deal/deal-${dealId}`;
}

export function bonusWorkflowId(portal: string, requestId: string): string {
  return `loyalty/${portal}/bonus/request-${requestId}`;
}

/** Per contact, but not a programme of its own: it holds the group discounts a contact's deals were granted per day. */
export function groupDiscountUsageWorkflowId(portal: string, contactId: number): string {
  return `loyalty/${portal}/group-discount-usage/contact-${contactId}`;
}

/** One rollout per portal and programme (`programmeFingerprint`): starting it again for the same rules finds it. */
export function programmeRolloutWorkflowId(portal: string, fingerprint: string): string {
  return `loyalty/${portal}/programme-rollout/${fingerprint}`;
}
