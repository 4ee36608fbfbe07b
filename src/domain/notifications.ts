/**
 * Notices to the responsible manager of a customer: what happened, in words a manager reads, plus a tag that is
 * the same for every retry of the same business event (channels use it to replace rather than duplicate).
 * Texts name the contact by CRM id only and carry no personal data the manager does not need: never a birthdate
 * or anything derived from it.
 */
import { DateTime } from 'luxon';
import { formatAmount } from './money';
import { formatPercent, type BasisPoints, type BonusKind, type MinorUnits } from './programme';

export type NotificationKind = 'referralNew' | 'thresholdReached' | 'cashbackAccrued' | 'cashbackExpiring' | 'birthdayWindowOpen' | 'bonusGranted';
export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'referralNew',
  'thresholdReached',
  'cashbackAccrued',
  'cashbackExpiring',
  'birthdayWindowOpen',
  'bonusGranted',
];

/** Every notice concerns one customer (`contactId`); the contact's responsible manager is the one told. */
export type LoyaltyNotification =
  /** A new contact was referred by `contactId`. */
  | { kind: 'referralNew'; contactId: number; referredContactId: number }
  /** `contactId` reached a referral discount tier. */
  | { kind: 'thresholdReached'; contactId: number; qualifiedReferrals: number; percent: BasisPoints }
  /** A won deal earned cashback; `lotKey` is the ledger lot (`deal:7`, `deal:7#2`). */
  | { kind: 'cashbackAccrued'; contactId: number; dealId: number; lotKey: string; amountMinor: MinorUnits; availableAt: number; expiresAt: number }
  /** Lots (`lotKeys`, soonest first) holding `amountMinor` expire soon; the soonest at `expiresAt`. */
  | { kind: 'cashbackExpiring'; contactId: number; lotKeys: string[]; amountMinor: MinorUnits; expiresAt: number }
  /** The birthday discount window opened; `season` is the year of the birthday it surrounds (never the birth year). */
  | { kind: 'birthdayWindowOpen'; contactId: number; season: number }
  /** Staff granted a bonus; `requestId` is the grant's idempotency key, `author` e.g. `user:12`. */
  | { kind: 'bonusGranted'; contactId: number; requestId: string; bonusKind: BonusKind; amountMinor: MinorUnits; author: string };

/** How amounts and dates are written: the programme's currency and time zone. */
export interface NotificationFormat {
  currency: string;
  currencyExponent: number;
  timeZone: string;
}

export type NotificationChannelSetting = { type: 'bitrix24' } | { type: 'webhook'; url: string } | { type: 'log' };

/** The rules file's `notifications` section: which kinds are sent, through which channels. */
export interface NotificationSettings {
  kinds: NotificationKind[];
  channels: NotificationChannelSetting[];
}

export function isNotificationOn(settings: NotificationSettings, kind: NotificationKind): boolean {
  return settings.channels.length > 0 && settings.kinds.includes(kind);
}

/** The same for every retry of one business event, different for different events. */
export function notificationTag(notification: LoyaltyNotification): string {
  const about = `loyalty:${notification.kind}:${notification.contactId}`;
  switch (notification.kind) {
    case 'referralNew':
      return `${about}:${notification.referredContactId}`;
    case 'thresholdReached':
      return `${about}:${notification.percent}`;
    case 'cashbackAccrued':
      return `${about}:${notification.lotKey}`;
    case 'cashbackExpiring':
      return `${about}:${notification.lotKeys[0] ?? ''}`;
    case 'birthdayWindowOpen':
      return `${about}:${notification.season}`;
    case 'bonusGranted':
      return `${about}:${notification.requestId}`;
  }
}

const BONUS_LABEL: Record<BonusKind, string> = { review: 'a review bonus', apology: 'an apology bonus' };

/** The notice as one plain-text paragraph. */
export function notificationText(notification: LoyaltyNotification, format: NotificationFormat): string {
  const contact = `contact #${notification.contactId}`;
  const money = (minor: MinorUnits) => `${formatAmount(minor, format.currencyExponent)} ${format.currency}`;
  const day = (instant: number) => localDay(instant, format.timeZone).toFormat(DAY_FORMAT, { locale: 'en' });
  const lastDay = (expiry: number) => lastLocalDay(expiry, format.timeZone).toFormat(DAY_FORMAT, { locale: 'en' });
  switch (notification.kind) {
    case 'referralNew':
      return `Loyalty: ${contact} referred a new customer, contact #${notification.referredContactId}.`;
    case 'thresholdReached':
      return `Loyalty: ${contact} has ${notification.qualifiedReferrals} qualified referrals and now gets a ${formatPercent(notification.percent)} referral discount.`;
    case 'cashbackAccrued':
      return `Loyalty: ${contact} earned ${money(notification.amountMinor)} cashback for deal #${notification.dealId}, spendable from ${day(notification.availableAt)} until the end of ${lastDay(notification.expiresAt)}.`;
    case 'cashbackExpiring':
      return `Loyalty: ${money(notification.amountMinor)} of ${contact}'s cashback expires at the end of ${lastDay(notification.expiresAt)} unless it is spent before then.`;
    case 'birthdayWindowOpen':
      return `Loyalty: the birthday discount of ${contact} is active now.`;
    case 'bonusGranted':
      return `Loyalty: ${contact} was granted ${BONUS_LABEL[notification.bonusKind]} of ${money(notification.amountMinor)} by ${notification.author}.`;
  }
}

const DAY_FORMAT = 'd LLL yyyy';

function localDay(instant: number, timeZone: string): DateTime {
  return DateTime.fromMillis(instant, { zone: timeZone });
}

/**
 * The last local day before an expiry. Expiries are the local midnight ending a day, so an instant exactly at
 * midnight is written as the day it ends ("until the end of 31 Dec 2026" rather than "1 Jan 2027").
 */
function lastLocalDay(expiry: number, timeZone: string): DateTime {
  const local = localDay(expiry, timeZone);
  return local.equals(local.startOf('day')) ? local.minus({ days: 1 }) : local;
}
