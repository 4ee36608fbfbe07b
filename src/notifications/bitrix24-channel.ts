import { notifications, type Bitrix24Client } from '../bitrix24';
import { type ManagerMessage, type NotificationChannel } from './channel';

/**
 * Bitrix24 scopes notification tags per application; a webhook is not an application, so calls through one name
 * this `CLIENT_ID` for the tag to take effect (reference §7, `im.notify.system.add`).
 */
export const WEBHOOK_NOTIFICATION_CLIENT_ID = 'loyalty-engine';

/** The manager's Bitrix24 notification centre (`im.notify.system.add`), with a link to the contact. */
export function bitrix24Channel(bitrix: Bitrix24Client): NotificationChannel {
  return {
    name: 'bitrix24',
    async send(message: ManagerMessage) {
      const link = `[URL=/crm/contact/details/${message.notification.contactId}/]Open the contact[/URL]`;
      await bitrix.run(
        notifications.system({
          userId: message.managerUserId,
          message: `${message.text}\n${link}`,
          // A notice with the tag of an earlier one replaces it: a retried send never shows twice.
          tag: message.tag,
          ...(bitrix.auth.mode === 'webhook' ? { clientId: WEBHOOK_NOTIFICATION_CLIENT_ID } : {}),
        }),
      );
    },
  };
}
