import * as wf from '@temporalio/workflow';
import type { PurchaseActivities } from '../activities/purchases';
import {
  countPurchase,
  emptyPurchaseCountState,
  purchaseCount,
  purchaseCountPercent,
  reversePurchase,
  type PurchaseCountState,
  type PurchaseDecision,
} from '../src/domain/purchase-count';
import type { BasisPoints, PipelineId, Programme } from '../src/domain/programme';
import { PROJECTION_RETRY_MS, projectSafely } from './crm-projection';
import { bitrix24Activities } from './activity-options';

/**
 * The cumulative purchase discount has its own small workflow per contact rather than living inside the
 * cashback account: it counts deals, not money, earns in its own pipelines, and ops find "why 7 %?" in a
 * history that holds nothing else.
 */
export interface PurchasesInput {
  portal: string;
  contactId: number;
  /** The programme as of the start; `programmeChangedSignal` replaces it. */
  programme: Programme;
  /** Carried across continue-as-new. */
  carried?: { counts: PurchaseCountState; history: PurchaseDecision[] };
}

export interface PurchaseWon {
  dealId: number;
  pipelineId: PipelineId;
  wonAt: number;
}

export interface PurchasesView {
  count: number;
  percent: BasisPoints;
  history: PurchaseDecision[];
}

export const purchaseWonSignal = wf.defineSignal<[PurchaseWon]>('purchaseWon');
export const purchaseReversedSignal = wf.defineSignal<[{ dealId: number }]>('purchaseReversed');
/** The rules changed (a programme rollout): the percent follows the new tiers at once; counted purchases stay counted. */
export const programmeChangedSignal = wf.defineSignal<[Programme]>('programmeChanged');
export const purchasesQuery = wf.defineQuery<PurchasesView>('purchases');

const HISTORY_KEPT = 500;

const crm = bitrix24Activities<PurchaseActivities>();

export async function purchases(input: PurchasesInput): Promise<void> {
  let programme = input.programme;
  let counts = input.carried?.counts ?? emptyPurchaseCountState();
  const history: PurchaseDecision[] = input.carried?.history ?? [];
  const inbox: ((state: PurchaseCountState) => { state: PurchaseCountState; decision: PurchaseDecision })[] = [];
  let projected: number | null = null;
  let projectionRetryAt: number | null = null;

  wf.setHandler(purchaseWonSignal, (won) =>
    void inbox.push((state) => countPurchase(state, { dealId: String(won.dealId), pipelineId: won.pipelineId, wonAt: won.wonAt }, programme)),
  );
  wf.setHandler(purchaseReversedSignal, ({ dealId }) => void inbox.push((state) => reversePurchase(state, String(dealId), programme)));
  wf.setHandler(programmeChangedSignal, (next) => void (programme = next));
  wf.setHandler(purchasesQuery, () => ({ count: purchaseCount(counts), percent: purchaseCountPercent(counts, programme), history }));

  const wake = (): boolean => inbox.length > 0 || wf.workflowInfo().continueAsNewSuggested;
  for (;;) {
    if (projectionRetryAt === null) await wf.condition(wake);
    else await wf.condition(wake, Math.max(projectionRetryAt - Date.now(), 1));
    while (inbox.length > 0) {
      const { state, decision } = inbox.shift()!(counts);
      counts = state;
      history.push(decision);
    }
    const count = purchaseCount(counts);
    if (count !== projected) {
      const written = await projectSafely(() => crm.projectPurchaseCount({ portal: input.portal, contactId: input.contactId, purchaseCount: count }));
      projected = written ? count : projected;
      projectionRetryAt = written ? null : Date.now() + PROJECTION_RETRY_MS;
    }
    if (wf.workflowInfo().continueAsNewSuggested) {
      await wf.condition(wf.allHandlersFinished);
      if (inbox.length > 0) continue;
      await wf.continueAsNew<typeof purchases>({ ...input, programme, carried: { counts, history: history.slice(-HISTORY_KEPT) } });
    }
  }
}
