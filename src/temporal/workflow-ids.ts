// Deterministic workflow ids: the same business entity always maps to the same workflow, which makes
// signal-with-start idempotent and lets ops find a customer's workflows by id. Pure, importable from workflows.

export type Programme = 'referral' | 'cashback' | 'birthday' | 'purchases' | 'deal' | 'bonus';

export function contactWorkflowId(portal: string, programme: Programme, contactId: number): string {
  return `loyalty/${portal}/${programme}/contact-${contactId}`;
}

export function dealWorkflowId(portal: string, dealId: number): string {
  return `loyalty/${portal}/deal/deal-${dealId}`;
}

export function bonusWorkflowId(portal: string, requestId: string): string {
  return `loyalty/${portal}/bonus/request-${requestId}`;
}
