import { command, type Command } from '../command';
import { optionalInteger } from '../normalize';

export interface SystemNotification {
  /** Portal user (employee) id — not a CRM contact. */
  userId: number;
  /** BB-code text. */
  message: string;
  tag?: string;
  subTag?: string;
  /** Required with `tag` when calling through a webhook. */
  clientId?: string;
}

export const notifications = {
  /** `im.notify.system.add` → notification id, or null when the portal answered `false`. */
  system(input: SystemNotification): Command<number | null> {
    const params: Record<string, unknown> = { USER_ID: input.userId, MESSAGE: input.message };
    if (input.tag !== undefined) params.TAG = input.tag;
    if (input.subTag !== undefined) params.SUB_TAG = input.subTag;
    if (input.clientId !== undefined) params.CLIENT_ID = input.clientId;
    return command('im.notify.system.add', params, (result) => (result === false ? null : optionalInteger(result, 'result')));
  },
};
