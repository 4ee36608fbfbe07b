import * as wf from '@temporalio/workflow';
import type { NotificationActivities } from '../activities/notify';
import type { LoyaltyNotification } from '../src/domain/notifications';
import { bitrix24Activities, MANAGER_NOTICE } from './activity-options';

/** Histories recorded before notices existed replay without them. */
export const NOTIFICATIONS_PATCH = 'notifications';

const notices = bitrix24Activities<NotificationActivities>(MANAGER_NOTICE);

/**
 * Tells the contact's responsible manager (the rules file decides whether and how). A notice that cannot be
 * delivered is logged and dropped: it must never end or wedge the customer's workflow.
 */
export async function notifyManagerSafely(portal: string, notification: LoyaltyNotification): Promise<void> {
  if (!wf.patched(NOTIFICATIONS_PATCH)) return;
  try {
    await notices.notifyManager({ portal, notification });
  } catch (error) {
    if (!(error instanceof wf.ActivityFailure)) throw error;
    wf.log.warn('manager notice dropped', { kind: notification.kind, cause: error.cause?.message ?? error.message });
  }
}
