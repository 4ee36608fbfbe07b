import { type ManagerMessage, type NotificationChannel } from './channel';

/** Where the log channel writes: standard output by default, any line sink in tests. */
export type LineSink = (line: string) => void;

const toStandardOutput: LineSink = (line) => void process.stdout.write(`${line}\n`);

/**
 * Writes each notice as one JSON line, for a log shipper to route on (and the smallest example of a channel).
 * The line holds what the notice is about by id only — kind, contact id, manager user id, tag and the text, which
 * itself names the contact by id — so it never carries more personal data than the CRM link does.
 */
export function logChannel(sink: LineSink = toStandardOutput): NotificationChannel {
  return {
    name: 'log',
    send(message: ManagerMessage) {
      const { notification, managerUserId, tag, text } = message;
      sink(JSON.stringify({ msg: 'loyalty notice', kind: notification.kind, contactId: notification.contactId, managerUserId, tag, text }));
      return Promise.resolve();
    },
  };
}
