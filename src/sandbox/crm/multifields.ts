import { legacyError } from '../envelope';
import { allocateId, type Multifield, type PortalState } from '../state/store';

export const MULTIFIELD_TYPES = ['PHONE', 'EMAIL', 'WEB', 'IM'] as const;
type MultifieldType = (typeof MULTIFIELD_TYPES)[number];

const DEFAULT_VALUE_TYPE: Record<MultifieldType, string> = { PHONE: 'WORK', EMAIL: 'WORK', WEB: 'WORK', IM: 'OTHER' };

function itemsOf(raw: unknown, typeId: string): Record<string, unknown>[] {
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : [];
  return list.map((item, i) => {
    if (!item || typeof item !== 'object') throw legacyError(`${typeId}[${i}] must be an object with VALUE`);
    return Object.fromEntries(Object.entries(item).map(([k, v]) => [k.toUpperCase(), v]));
  });
}

/**
 * Legacy update semantics: items with ID update that value, `{ID, DELETE:'Y'}` or an empty VALUE removes it,
 * items without ID are appended, values not mentioned are kept. Returns the new list (input untouched).
 */
export function mergeMultifields(state: PortalState, current: Multifield[], input: Record<string, unknown>): Multifield[] {
  let result = current.map((m) => ({ ...m }));
  for (const typeId of MULTIFIELD_TYPES) {
    const raw = input[typeId] ?? input[typeId.toLowerCase()];
    if (raw === undefined) continue;
    for (const item of itemsOf(raw, typeId)) {
      const value = item.VALUE === undefined || item.VALUE === null ? undefined : String(item.VALUE).trim();
      const valueType = item.VALUE_TYPE === undefined ? undefined : String(item.VALUE_TYPE).toUpperCase();
      if (item.ID !== undefined && item.ID !== '') {
        const id = Number(item.ID);
        const existing = result.find((m) => m.ID === id && m.TYPE_ID === typeId);
        if (!existing) continue;
        if (item.DELETE === 'Y' || value === '') result = result.filter((m) => m !== existing);
        else {
          if (value !== undefined) existing.VALUE = value;
          if (valueType) existing.VALUE_TYPE = valueType;
        }
        continue;
      }
      if (!value) continue;
      result.push({ ID: allocateId(state, 'multifield'), TYPE_ID: typeId, VALUE_TYPE: valueType ?? DEFAULT_VALUE_TYPE[typeId], VALUE: value });
    }
  }
  return result;
}

export function multifieldsToWire(list: Multifield[], typeId: string): Record<string, unknown>[] {
  return list.filter((m) => m.TYPE_ID === typeId).map((m) => ({ ID: String(m.ID), VALUE_TYPE: m.VALUE_TYPE, VALUE: m.VALUE, TYPE_ID: m.TYPE_ID }));
}
