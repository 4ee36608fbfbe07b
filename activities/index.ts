import type { Client } from '@temporalio/client';
import type { Bitrix24Client } from '../src/bitrix24';
import type { Programme } from '../src/domain/programme';
import { currentAttemptSignal, withAttemptDeadlines } from './attempt-deadline';
import { createBirthdayActivities } from './birthday';
import { createContactFactsActivities } from './contact-facts';
import { createCrmCommentActivities } from './bonus';
import { createCashbackActivities } from './cashback';
import { createContactActivities } from './contact';
import { createCustomerWorkflowActivities } from './customer-workflows';
import { createDealActivities } from './deal';
import { createNotificationActivities } from './notify';
import { createOfflineEventActivities } from './offline-events';
import { createDealDiscountMessageActivities } from './deal-discounts';
import { createProgrammeRolloutActivities } from './programme-rollout';
import { createPurchaseActivities } from './purchases';
import { createReconcileActivities } from './reconcile';
import { createReferralActivities } from './referral';

export interface ActivityDeps {
  bitrix: Bitrix24Client;
  temporal: Client;
  programme: Programme;
  /** The task queue of the loyalty workflows, for workflows that activities start. */
  taskQueue: string;
  /** The clock discount facts are read at: today for daily limits, the birthday window (default the system clock; tests move it past a local midnight). */
  now?: () => number;
}

/**
 * Every activity the loyalty worker registers, bound to one portal. Each attempt's Bitrix24 calls stop when the
 * attempt is cancelled or nearly out of time (see `attempt-deadline.ts`).
 */
export function createActivities(deps: ActivityDeps) {
  return withAttemptDeadlines(allActivities({ ...deps, bitrix: deps.bitrix.withAbortSignal(currentAttemptSignal) }));
}

function allActivities(deps: ActivityDeps) {
  return {
    ...createReferralActivities({ bitrix: deps.bitrix, client: deps.temporal, taskQueue: deps.taskQueue, programme: deps.programme }),
    ...createContactActivities({ bitrix: deps.bitrix, client: deps.temporal, taskQueue: deps.taskQueue, programme: deps.programme }),
    ...createCashbackActivities(deps.bitrix),
    ...createBirthdayActivities(deps.bitrix),
    ...createPurchaseActivities(deps.bitrix),
    ...createDealActivities(deps.bitrix, deps.programme),
    ...createContactFactsActivities({ client: deps.temporal, programme: deps.programme, ...(deps.now ? { now: deps.now } : {}) }),
    ...createDealDiscountMessageActivities({ client: deps.temporal, taskQueue: deps.taskQueue }),
    ...createCrmCommentActivities(deps.bitrix),
    ...createCustomerWorkflowActivities({ client: deps.temporal, taskQueue: deps.taskQueue, programme: deps.programme }),
    ...createReconcileActivities({ bitrix: deps.bitrix, temporal: deps.temporal, taskQueue: deps.taskQueue, timeZone: deps.programme.timeZone }),
    ...createOfflineEventActivities({ bitrix: deps.bitrix, temporal: deps.temporal, taskQueue: deps.taskQueue }),
    ...createNotificationActivities({ bitrix: deps.bitrix, programme: deps.programme }),
    ...createProgrammeRolloutActivities({ client: deps.temporal }),
  };
}
