import { type Bitrix24Client } from '../bitrix24';
import { type NotificationChannelSetting } from '../domain/notifications';
import { bitrix24Channel } from './bitrix24-channel';
import { type NotificationChannel } from './channel';
import { logChannel } from './log-channel';
import { webhookChannel } from './webhook-channel';

/** The channels the rules file names, bound to one portal. */
export function channelsFor(settings: readonly NotificationChannelSetting[], bitrix: Bitrix24Client): NotificationChannel[] {
  return settings.map((setting) => {
    switch (setting.type) {
      case 'bitrix24':
        return bitrix24Channel(bitrix);
      case 'webhook':
        return webhookChannel(setting.url);
      case 'log':
        return logChannel();
    }
  });
}
