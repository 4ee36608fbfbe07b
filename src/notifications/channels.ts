import { type Bitrix24Client } from '../bitrix24';
import { type NotificationChannelSetting } from '../domain/notifications';
import { bitrix24Channel } from './bitrix24-channel';
import { type NotificationChannel } from './channel';
import { webhookChannel } from './webhook-channel';

/** The channels the rules file names, bound to one portal. */
export function channelsFor(settings: readonly NotificationChannelSetting[], bitrix: Bitrix24Client): NotificationChannel[] {
  return settings.map((setting) => (setting.type === 'bitrix24' ? bitrix24Channel(bitrix) : webhookChannel(setting.url)));
}
