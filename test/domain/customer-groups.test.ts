import { describe, expect, it } from 'vitest';
import { groupDiscountAllowance, groupsOf } from '../../src/domain/customer-groups';
import { exampleProgramme } from './programme.fixture';

const programme = exampleProgramme();
const vip = programme.groups[0]!;
const staff = programme.groups[1]!;

describe('customer group daily limit', () => {
  it.each([
    [100_000, 0, 100_000, false],
    [500_000, 0, 500_000, false],
    [600_000, 0, 500_000, true],
    [300_000, 400_000, 100_000, true],
    [300_000, 500_000, 0, true],
    [300_000, 700_000, 0, true],
  ])('requested %i with %i granted today → %i allowed', (requested, granted, allowed, limited) => {
    expect(groupDiscountAllowance(vip, requested, granted)).toMatchObject({ allowedMinor: allowed, limited });
  });

  it('explains the limit', () => {
    expect(groupDiscountAllowance(vip, 300_000, 400_000).reason).toBe('group VIP: daily limit 500000, already granted today 400000, 100000 left (minor units)');
  });

  it('does not limit a group without a daily limit', () => {
    expect(groupDiscountAllowance(staff, 9_000_000, 9_000_000)).toMatchObject({ allowedMinor: 9_000_000, limited: false });
  });

  it('finds the contact’s known groups', () => {
    expect(groupsOf(programme, ['staff', 'unknown']).map((g) => g.id)).toEqual(['staff']);
  });
});
