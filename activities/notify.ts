import { ApplicationFailure } from '@temporalio/common';
import { contacts, toRetryDescriptor, type Bitrix24Client } from '../src/bitrix24';
import { isNotificationOn, notificationTag, notificationText, type LoyaltyNotification } from '../src/domain/notifications';
import { type Programme } from '../src/domain/programme';
import { type NotificationChannel } from '../src/notifications/channel';
import { channelsFor } from '../src/notifications/channels';
import { withBitrix24Failures } from './bitrix24-failure';

export interface ManagerNotice {
  portal: string;
  notification: LoyaltyNotification;
}

export type NoticeOutcome =
  /** Delivered through these channels. */
  | { status: 'sent'; channels: string[] }
  /** The rules file does not send this kind (or names no channel). */
  | { status: 'off' }
  /** The contact has no responsible manager. */
  | { status: 'no-manager' };

export interface NotificationActivities {
  /**
   * Tells the contact's responsible manager (ASSIGNED_BY_ID) through every configured channel. A retry sends
   * again with the same tag, which the channels use to replace rather than duplicate.
   */
  notifyManager(notice: ManagerNotice): Promise<NoticeOutcome>;
}

export interface NotificationDeps {
  bitrix: Bitrix24Client;
  programme: Programme;
  /** Defaults to the channels of the rules file. */
  channels?: NotificationChannel[];
}

export function createNotificationActivities(deps: NotificationDeps): NotificationActivities {
  const settings = deps.programme.notifications;
  const channels = deps.channels ?? channelsFor(settings.channels, deps.bitrix);
  const format = { currency: deps.programme.currency, currencyExponent: deps.programme.currencyExponent, timeZone: deps.programme.timeZone };
  return {
    async notifyManager({ notification }) {
      if (!isNotificationOn(settings, notification.kind) || channels.length === 0) return { status: 'off' };
      const contact = await withBitrix24Failures(() => deps.bitrix.run(contacts.get(notification.contactId)));
      if (contact.assignedById === null || contact.assignedById <= 0) return { status: 'no-manager' };
      const message = { managerUserId: contact.assignedById, notification, tag: notificationTag(notification), text: notificationText(notification, format) };
      const results = await Promise.allSettled(channels.map((channel) => channel.send(message)));
      const failures = results.flatMap((result, i) => (result.status === 'rejected' ? [{ channel: channels[i]?.name, error: result.reason as unknown }] : []));
      if (failures.length > 0) {
        throw ApplicationFailure.create({
          message: `notification not delivered through ${failures.map((f) => `${f.channel}: ${reason(f.error)}`).join('; ')}`,
          type: 'NotificationDeliveryFailed',
          // Retrying helps unless every channel refused for good (e.g. the manager's user no longer exists).
          nonRetryable: failures.every((f) => !toRetryDescriptor(f.error).retryable),
        });
      }
      return { status: 'sent', channels: channels.map((channel) => channel.name) };
    },
  };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
