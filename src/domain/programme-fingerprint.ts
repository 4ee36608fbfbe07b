/**
 * A stable fingerprint of rules (the whole programme, or the part a workflow holds): the same rules always give the
 * same 16 hex digits, whatever the order their keys were written in, and any changed value gives another. Pure, so
 * workflows compare the rules they hold with the ones a rollout sends, and the rollout's workflow id can name them.
 */
import type { Programme } from './programme';
import { textDigest } from './text-digest';

export function rulesFingerprint(rules: unknown): string {
  return textDigest(canonicalJson(rules));
}

export function programmeFingerprint(programme: Programme): string {
  return rulesFingerprint(programme);
}

/** JSON with object keys sorted at every level; array order is kept (tiers and priorities are ordered). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
