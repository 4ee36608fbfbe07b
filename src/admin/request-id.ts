import { randomUUID } from 'node:crypto';

/** Request ids become part of workflow ids and ledger keys, so they are kept to a plain, bounded alphabet. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const REQUEST_ID_RULE = 'must be 1 to 128 letters, digits, ".", "_", ":" or "-"';

/** A fresh id for an operator who gave none; printed so the same operation can be repeated safely. */
export function newRequestId(): string {
  return randomUUID();
}
