import { getItem, updateItem } from '../crm/item';
import { CRM_METHODS } from './crm-methods';
import { EVENT_METHODS } from './event-methods';
import { just, type MethodDef, type MethodTable } from './types';

/** Every REST method the sandbox serves, keyed by lower-case name (`batch` is handled by batch.ts). */
export const METHODS: MethodTable = {
  ...CRM_METHODS,
  ...EVENT_METHODS,
  'crm.item.get': { run: ({ ctx, params }) => just(getItem(ctx, params)) },
  'crm.item.update': { run: ({ ctx, params }) => just(updateItem(ctx, params)) },
};

export function findMethod(name: string): MethodDef | undefined {
  return METHODS[name.toLowerCase()];
}

/** Top-level keys lower-cased for legacy CRM methods (docs' own examples send `ID`, `FIELDS`, `SELECT`). */
export function normaliseParams(def: MethodDef, params: Record<string, unknown>): Record<string, unknown> {
  if (!def.caseInsensitiveParams) return params;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const lower = key.toLowerCase();
    if (!(lower in out) || key === lower) out[lower] = value;
  }
  return out;
}
