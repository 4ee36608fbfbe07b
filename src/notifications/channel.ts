import { type LoyaltyNotification } from '../domain/notifications';

/** One notice to one manager, ready to send. */
export interface ManagerMessage {
  /** Portal user id of the customer's responsible manager. */
  managerUserId: number;
  notification: LoyaltyNotification;
  /** The same for every retry of the same event: channels use it to replace or drop a repeat, never to duplicate. */
  tag: string;
  /** Plain text (notificationText). */
  text: string;
}

/**
 * A way of reaching a manager: the Bitrix24 notification centre, a webhook into a messenger or SMS gateway, ….
 * `send` throws when the message may not have arrived; it is then sent again with the same tag.
 */
export interface NotificationChannel {
  /** Stable name for logs and outcomes, e.g. `bitrix24`, `webhook`. */
  readonly name: string;
  send(message: ManagerMessage): Promise<void>;
}
