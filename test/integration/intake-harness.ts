import path from 'node:path';
import { type Client } from '@temporalio/client';
import { type NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { type Bitrix24Client, setupPortal } from '../../src/bitrix24';
import { loadProgramme } from '../../src/config/load-programme';
import { type SandboxHandle } from '../../src/sandbox';
import { contactWorkflowId, dealWorkflowId } from '../../src/temporal/workflow-ids';
import { cashbackQuery } from '../../workflows/cashback';
import { dealStatusQuery } from '../../workflows/deal';
import { purchasesQuery } from '../../workflows/purchases';
import { startWorker, type RunningWorker } from '../helpers/temporal';

// Pipeline 0 (Sales) earns cashback (≤ 50 000 → 5 %, above → 7 %) and counts purchases in the example programme.
export const RULES_FILE = path.resolve(__dirname, '../../loyalty.config.yaml');
export const programme = loadProgramme(RULES_FILE);

/** The loyalty worker of one test portal: the portal key is the task queue, so tests never share workflows. */
export async function startPortalWorker(parts: { connection: NativeConnection; client: Client; bitrix: Bitrix24Client; taskQueue: string }): Promise<RunningWorker> {
  await setupPortal(parts.bitrix, { log: () => undefined });
  const activities = createActivities({ bitrix: parts.bitrix, temporal: parts.client, programme, taskQueue: parts.taskQueue });
  return startWorker(parts.connection, { taskQueue: parts.taskQueue, activities, namespace: 'default' });
}

/**
 * A deal a manager creates with its buyer (a new contact of its own) and amount, then moves to WON: one
 * ONCRMDEALADD and exactly one ONCRMDEALUPDATE, so a dropped update means the win was never announced.
 */
export function addWonDeal(sandbox: SandboxHandle, amount: string, extra: Record<string, unknown> = {}): { dealId: number; buyerId: number } {
  const buyerId = sandbox.portal.contacts.add({ NAME: 'Buyer', LAST_NAME: `No${sandbox.portal.contacts.ids().length}` });
  const dealId = sandbox.portal.deals.add({ TITLE: 'Order', CATEGORY_ID: 0, STAGE_ID: 'NEW', CONTACT_IDS: [buyerId], OPPORTUNITY: amount, IS_MANUAL_OPPORTUNITY: 'Y', ...extra });
  sandbox.portal.deals.setStage(dealId, 'WON');
  return { dealId, buyerId };
}

/** The cashback accruals credited to a contact so far ([] when the contact has no account yet). */
export async function accrualsOf(client: Client, portal: string, contactId: number): Promise<{ key: string; amount: number }[]> {
  const view = await client.workflow
    .getHandle(contactWorkflowId(portal, 'cashback', contactId))
    .query(cashbackQuery)
    .catch(() => null);
  return (view?.history ?? []).filter((entry) => entry.kind === 'accrual').map((entry) => ({ key: entry.key, amount: entry.amount }));
}

export async function purchaseCountOf(client: Client, portal: string, contactId: number): Promise<number | null> {
  const view = await client.workflow
    .getHandle(contactWorkflowId(portal, 'purchases', contactId))
    .query(purchasesQuery)
    .catch(() => null);
  return view?.count ?? null;
}

/** How many times the deal workflow read the deal, and how often it announced a win. */
export async function dealPassesOf(client: Client, portal: string, dealId: number): Promise<{ passes: number; wins: number } | null> {
  const memory = await client.workflow
    .getHandle(dealWorkflowId(portal, dealId))
    .query(dealStatusQuery)
    .catch(() => null);
  if (memory === null) return null;
  return { passes: memory.history.length, wins: memory.history.filter((entry) => entry.event === 'won-dispatched').length };
}
