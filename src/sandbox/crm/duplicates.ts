import { RestError } from '../envelope';
import { type PortalState } from '../state/store';

const MAX_VALUES = 20;

/** Phones match on their digits (formatting ignored), e-mails case-insensitively. */
function normalise(type: 'PHONE' | 'EMAIL', value: string): string {
  return type === 'PHONE' ? value.replace(/\D/g, '') : value.trim().toLowerCase();
}

/** crm.duplicate.findbycomm for contacts: `{CONTACT: [ids]}`, or `[]` when nothing matches. */
export function findContactsByComm(state: PortalState, params: Record<string, unknown>): Record<string, number[]> {
  const type = String(params.type ?? '').toUpperCase();
  if (type !== 'PHONE' && type !== 'EMAIL') throw new RestError(400, 'INVALID_ARG_VALUE', `type: "${String(params.type)}" must be PHONE or EMAIL`);
  const raw = params.values;
  const values = (Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : []).map(String);
  if (values.length === 0 || values.length > MAX_VALUES) throw new RestError(400, 'INVALID_ARG_VALUE', `values: between 1 and ${MAX_VALUES} values are required`);
  const entityType = params.entity_type === undefined ? 'CONTACT' : String(params.entity_type).toUpperCase();
  if (entityType !== 'CONTACT') return {};
  const wanted = new Set(values.map((v) => normalise(type, v)));
  const ids = Object.values(state.contacts)
    .filter((c) => c.multifields.some((m) => m.TYPE_ID === type && wanted.has(normalise(type, m.VALUE))))
    .map((c) => c.id)
    .sort((a, b) => a - b);
  return ids.length > 0 ? { CONTACT: ids } : {};
}
