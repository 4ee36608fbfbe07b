import axios from 'axios';
import { type ManagerMessage, type NotificationChannel } from './channel';

const TIMEOUT_MS = 10_000;

/**
 * Posts each notice as JSON to a URL: the bridge to a messenger bot or an SMS gateway. The tag goes in the
 * `Idempotency-Key` header so the receiver can drop a retried delivery. Errors never repeat the URL, which may
 * carry a token.
 */
export function webhookChannel(url: string): NotificationChannel {
  return {
    name: 'webhook',
    async send(message: ManagerMessage) {
      const body = { tag: message.tag, managerUserId: message.managerUserId, text: message.text, notification: message.notification };
      const response = await axios
        .post(url, body, { timeout: TIMEOUT_MS, maxRedirects: 0, validateStatus: () => true, headers: { 'Idempotency-Key': message.tag } })
        .catch((error: unknown) => {
          throw new Error(`webhook channel: the request failed (${axios.isAxiosError(error) ? (error.code ?? 'network error') : 'unknown error'})`);
        });
      if (response.status < 200 || response.status >= 300) throw new Error(`webhook channel: the receiver answered HTTP ${response.status}`);
    },
  };
}
