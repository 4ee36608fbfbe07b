import { describe, expect, it } from 'vitest';
import { checkBonusRequest } from '../../src/domain/bonuses';
import { exampleProgramme } from './programme.fixture';

const programme = exampleProgramme();

describe('manual bonus requests', () => {
  it('uses the default amount', () => {
    expect(checkBonusRequest({ kind: 'review', contactId: '5', reason: 'left a review on the site', grantedBy: '3' }, programme)).toEqual({ valid: true, amountMinor: 30_000 });
  });

  it('lists every problem', () => {
    expect(checkBonusRequest({ kind: 'apology', contactId: '5', amountMinor: 400_000, reason: ' late ', grantedBy: '3' }, programme)).toEqual({
      valid: false,
      errors: [
        'amount: 400000 exceeds the apology bonus maximum 300000 (minor units)',
        'reason: must be at least 20 characters, got 4',
        'grantedBy: user 3 may not grant apology bonuses',
      ],
    });
  });

  it('rejects non-positive and fractional amounts', () => {
    for (const amountMinor of [0, -5, 10.5]) {
      const check = checkBonusRequest({ kind: 'review', contactId: '5', amountMinor, reason: 'left a review on the site', grantedBy: '3' }, programme);
      expect(check).toEqual({ valid: false, errors: [`amount: must be a positive whole number of minor units, got ${amountMinor}`] });
    }
  });

  it('rejects a bonus kind that is not in the programme', () => {
    const noReview = exampleProgramme({ bonuses: { ...programme.bonuses, review: null } });
    expect(checkBonusRequest({ kind: 'review', contactId: '5', reason: 'x', grantedBy: '3' }, noReview)).toEqual({ valid: false, errors: ['review bonuses are not part of the programme'] });
  });
});
