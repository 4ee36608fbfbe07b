import type { Client } from '@temporalio/client';
import type { Bitrix24Client } from '../src/bitrix24';
import type { Programme } from '../src/domain/programme';
import { createBirthdayActivities } from './birthday';
import { createCrmCommentActivities } from './bonus';
import { createCashbackActivities } from './cashback';
import { createCustomerWorkflowActivities } from './customer-workflows';
import { createDealActivities } from './deal';
import { createPurchaseActivities } from './purchases';
import { createReferralActivities } from './referral';

export interface ActivityDeps {
  bitrix: Bitrix24Client;
  temporal: Client;
  programme: Programme;
  /** The task queue of the loyalty workflows, for workflows that activities start. */
  taskQueue: string;
}

/** Every activity the loyalty worker registers, bound to one portal. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createReferralActivities(deps.bitrix),
    ...createCashbackActivities(deps.bitrix),
    ...createBirthdayActivities(deps.bitrix),
    ...createPurchaseActivities(deps.bitrix),
    ...createDealActivities(deps.bitrix),
    ...createCrmCommentActivities(deps.bitrix),
    ...createCustomerWorkflowActivities({ client: deps.temporal, taskQueue: deps.taskQueue, programme: deps.programme }),
  };
}
