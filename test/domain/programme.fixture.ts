import { type Programme } from '../../src/domain/programme';

/** The programme of loyalty.config.yaml, written out by hand so domain tests do not depend on the loader. */
export function exampleProgramme(overrides: Partial<Programme> = {}): Programme {
  return {
    currency: 'RUB',
    currencyExponent: 2,
    timeZone: 'Europe/Moscow',
    pipelines: [
      { id: 0, name: 'Sales' },
      { id: 1, name: 'Travel club' },
      { id: 5, name: 'Service' },
    ],
    applicability: [
      { pipelineId: 0, earns: ['cashback', 'referral', 'purchaseCount'], discounts: ['referral', 'purchaseCount', 'birthday', 'group', 'cashback'], discountStages: ['NEW', 'PREPARATION'] },
      { pipelineId: 1, earns: ['cashback', 'purchaseCount'], discounts: ['referral', 'birthday', 'group'], discountStages: ['C1:NEW', 'C1:PREPARATION'] },
      { pipelineId: 5, earns: [], discounts: [], discountStages: [] },
    ],
    referral: {
      enabled: true,
      qualifyingDeal: 'first',
      minDealAmountMinor: 100_000,
      countBy: 'contacts',
      tiers: [
        { atLeast: 3, percent: 500 },
        { atLeast: 10, percent: 1000 },
      ],
      welcome: { kind: 'cashback', amountMinor: 50_000 },
      secondLevelCashbackMinor: 20_000,
      rejectExistingCustomers: true,
      linkTemplate: 'https://example.com/?ref={code}',
    },
    purchaseCount: {
      enabled: true,
      tiers: [
        { atLeast: 2, percent: 300 },
        { atLeast: 5, percent: 700 },
      ],
    },
    cashback: {
      enabled: true,
      tierBasis: 'dealAmount',
      tiers: [
        { upToMinor: 5_000_000, percent: 500 },
        { upToMinor: null, percent: 700 },
      ],
      rounding: 'down',
      lotExpiryDays: 365,
      pendingDays: 0,
      reset: { month: 12, day: 31 },
      maxPaymentPercent: 3000,
      reminderDaysBeforeExpiry: 14,
      clawback: 'debt',
    },
    birthday: { enabled: true, percent: 500, daysBefore: 7, daysAfter: 7, feb29: 'feb28' },
    bonuses: {
      review: { defaultAmountMinor: 30_000, maxAmountMinor: 100_000, reasonMinLength: 10, grantedBy: null },
      apology: { defaultAmountMinor: 50_000, maxAmountMinor: 300_000, reasonMinLength: 20, grantedBy: ['1', '7'] },
    },
    groups: [
      { id: 'vip', name: 'VIP', percent: 1000, dailyLimitMinor: 500_000 },
      { id: 'staff', name: 'Staff', percent: 1500, dailyLimitMinor: null },
    ],
    stacking: { policy: 'best' },
    notifications: { kinds: ['referralNew', 'thresholdReached', 'cashbackAccrued', 'cashbackExpiring', 'birthdayWindowOpen', 'bonusGranted'], channels: [{ type: 'bitrix24' }] },
    ...overrides,
  };
}
