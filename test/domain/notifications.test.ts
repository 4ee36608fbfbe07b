import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isNotificationOn, NOTIFICATION_KINDS, notificationTag, notificationText, type LoyaltyNotification } from '../../src/domain/notifications';

const MOSCOW = { currency: 'RUB', currencyExponent: 2, timeZone: 'Europe/Moscow' };
const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Moscow' }).toMillis();

describe('notification texts', () => {
  it('writes money in the currency’s minor units exactly', () => {
    const text = notificationText({ kind: 'bonusGranted', contactId: 42, requestId: 'r-1', bonusKind: 'apology', amountMinor: 123_456_789, author: 'user:7' }, MOSCOW);
    expect(text).toBe('Loyalty: contact #42 was granted an apology bonus of 1234567.89 RUB by user:7.');
    const yen = notificationText({ kind: 'bonusGranted', contactId: 42, requestId: 'r-1', bonusKind: 'review', amountMinor: 1500, author: 'user:7' }, { ...MOSCOW, currency: 'JPY', currencyExponent: 0 });
    expect(yen).toBe('Loyalty: contact #42 was granted a review bonus of 1500 JPY by user:7.');
  });

  it('names the last spendable day of cashback that expires at local midnight', () => {
    const accrued: LoyaltyNotification = {
      kind: 'cashbackAccrued', contactId: 42, dealId: 7, lotKey: 'deal:7', amountMinor: 15_000,
      availableAt: at('2025-03-10T09:30'), expiresAt: at('2026-03-11T00:00'),
    };
    expect(notificationText(accrued, MOSCOW)).toBe('Loyalty: contact #42 earned 150.00 RUB cashback for deal #7, spendable from 10 Mar 2025 until the end of 10 Mar 2026.');
    const expiring: LoyaltyNotification = { kind: 'cashbackExpiring', contactId: 42, lotKeys: ['deal:7', 'deal:9'], amountMinor: 20_050, expiresAt: at('2026-01-01T00:00') };
    expect(notificationText(expiring, MOSCOW)).toBe('Loyalty: 200.50 RUB of contact #42\'s cashback expires at the end of 31 Dec 2025 unless it is spent before then.');
  });

  it('writes dates in the programme’s time zone', () => {
    const expiring: LoyaltyNotification = { kind: 'cashbackExpiring', contactId: 1, lotKeys: ['deal:1'], amountMinor: 100, expiresAt: Date.UTC(2025, 11, 31, 21, 0) };
    expect(notificationText(expiring, MOSCOW)).toContain('end of 31 Dec 2025');
    expect(notificationText(expiring, { ...MOSCOW, timeZone: 'UTC' })).toContain('end of 31 Dec 2025');
    expect(notificationText(expiring, { ...MOSCOW, timeZone: 'America/New_York' })).toContain('end of 31 Dec 2025');
    expect(notificationText({ ...expiring, expiresAt: Date.UTC(2026, 0, 1, 0, 0) }, MOSCOW)).toContain('end of 1 Jan 2026');
  });

  it('tells of referrals and tiers with the percent written out', () => {
    expect(notificationText({ kind: 'referralNew', contactId: 3, referredContactId: 8 }, MOSCOW)).toBe('Loyalty: contact #3 referred a new customer, contact #8.');
    expect(notificationText({ kind: 'thresholdReached', contactId: 3, qualifiedReferrals: 10, percent: 750 }, MOSCOW)).toBe(
      'Loyalty: contact #3 has 10 qualified referrals and now gets a 7.5 % referral discount.',
    );
  });

  it('never reveals anything about a birthdate', () => {
    const text = notificationText({ kind: 'birthdayWindowOpen', contactId: 5, season: 2025 }, MOSCOW);
    expect(text).toBe('Loyalty: the birthday discount of contact #5 is active now.');
    expect(text).not.toMatch(/\d{4}|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec/);
  });
});

describe('notification tags', () => {
  const examples: LoyaltyNotification[] = [
    { kind: 'referralNew', contactId: 1, referredContactId: 2 },
    { kind: 'referralNew', contactId: 1, referredContactId: 3 },
    { kind: 'thresholdReached', contactId: 1, qualifiedReferrals: 3, percent: 500 },
    { kind: 'thresholdReached', contactId: 1, qualifiedReferrals: 10, percent: 1000 },
    { kind: 'cashbackAccrued', contactId: 1, dealId: 7, lotKey: 'deal:7', amountMinor: 1, availableAt: 0, expiresAt: 1 },
    { kind: 'cashbackAccrued', contactId: 1, dealId: 7, lotKey: 'deal:7#2', amountMinor: 1, availableAt: 0, expiresAt: 1 },
    { kind: 'cashbackExpiring', contactId: 1, lotKeys: ['deal:7'], amountMinor: 1, expiresAt: 1 },
    { kind: 'birthdayWindowOpen', contactId: 1, season: 2025 },
    { kind: 'birthdayWindowOpen', contactId: 1, season: 2026 },
    { kind: 'bonusGranted', contactId: 1, requestId: 'a', bonusKind: 'review', amountMinor: 1, author: 'user:1' },
    { kind: 'bonusGranted', contactId: 2, requestId: 'a', bonusKind: 'review', amountMinor: 1, author: 'user:1' },
  ];

  it('differ between events and repeat for the same event', () => {
    const tags = examples.map(notificationTag);
    expect(new Set(tags).size).toBe(examples.length);
    expect(examples.map((n) => notificationTag(structuredClone(n)))).toEqual(tags);
  });

  it('do not change with the amount, so a corrected retry replaces the earlier notice', () => {
    const base = examples[9] as LoyaltyNotification & { kind: 'bonusGranted' };
    expect(notificationTag({ ...base, amountMinor: 999 })).toBe(notificationTag(base));
  });
});

describe('notification settings', () => {
  it('send a kind only when it is listed and a channel exists', () => {
    expect(isNotificationOn({ kinds: ['bonusGranted'], channels: [{ type: 'bitrix24' }] }, 'bonusGranted')).toBe(true);
    expect(isNotificationOn({ kinds: ['bonusGranted'], channels: [{ type: 'bitrix24' }] }, 'cashbackAccrued')).toBe(false);
    expect(isNotificationOn({ kinds: [...NOTIFICATION_KINDS], channels: [] }, 'bonusGranted')).toBe(false);
  });
});
