import { describe, expect, it } from 'vitest';
import { programmeFingerprint, rulesFingerprint } from '../../src/domain/programme-fingerprint';
import type { Programme } from '../../src/domain/programme';
import { exampleProgramme } from './programme.fixture';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every leaf of a JSON value with its path. */
function leaves(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, [...path, index]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, field]) => leaves(field, [...path, key]));
  return [path];
}

function changedLeaf(leaf: Json): Json {
  if (typeof leaf === 'number') return leaf + 1;
  if (typeof leaf === 'string') return `${leaf}x`;
  if (typeof leaf === 'boolean') return !leaf;
  return 0;
}

/** A deep copy with the leaf at `path` changed. */
function withChangedLeaf(value: Json, path: (string | number)[]): Json {
  const [head, ...rest] = path;
  if (head === undefined) return changedLeaf(value);
  if (Array.isArray(value)) return value.map((item, index) => (index === head ? withChangedLeaf(item, rest) : item));
  const record = value as Record<string, Json>;
  return { ...record, [head]: withChangedLeaf(record[head]!, rest) };
}

/** A deep copy whose objects list their keys in reverse order. */
function reversedKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, field]) => [key, reversedKeys(field)]));
}

const asJson = (programme: Programme): Json => JSON.parse(JSON.stringify(programme)) as Json;

describe('programme fingerprint', () => {
  it('is the same for the same rules, however the keys are ordered', () => {
    const fingerprint = programmeFingerprint(exampleProgramme());
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(programmeFingerprint(exampleProgramme())).toBe(fingerprint);
    expect(rulesFingerprint(reversedKeys(asJson(exampleProgramme())))).toBe(fingerprint);
  });

  it('changes with any single rule: every value of the programme, changed one at a time, gives its own fingerprint', () => {
    const programme = asJson(exampleProgramme());
    const paths = leaves(programme);
    expect(paths.length).toBeGreaterThan(60);
    const fingerprints = paths.map((path) => rulesFingerprint(withChangedLeaf(programme, path)));
    expect(new Set([rulesFingerprint(programme), ...fingerprints]).size).toBe(paths.length + 1);
  });

  it('changes when a tier is added, removed or the order of a priority list changes', () => {
    const base = exampleProgramme({ stacking: { policy: 'priority', order: ['referral', 'birthday', 'group', 'purchaseCount'] } });
    const variants: Programme[] = [
      { ...base, purchaseCount: { ...base.purchaseCount, tiers: [...base.purchaseCount.tiers, { atLeast: 9, percent: 900 }] } },
      { ...base, referral: { ...base.referral, tiers: base.referral.tiers.slice(1) } },
      { ...base, stacking: { policy: 'priority', order: ['birthday', 'referral', 'group', 'purchaseCount'] } },
      { ...base, cashback: { ...base.cashback, reset: null } },
    ];
    const fingerprints = [base, ...variants].map(programmeFingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });
});
