import * as wf from '@temporalio/workflow';
import type { CustomerWorkflowActivities } from '../activities/customer-workflows';
import type { DealActivities, DealFacts } from '../activities/deal';
import { crmEventSignal, type CrmEventNotice } from './crm-event';
import { bitrix24Activities, WORKFLOW_MESSAGE } from './activity-options';
import { applyDealDiscounts, emptyDiscountMemory, releaseDealDiscounts, type DealDiscountMemory } from './deal-discounts';

export interface DealInput {
  portal: string;
  dealId: number;
  /** Carried across continue-as-new. */
  carried?: DealMemory;
}

/** What the customers were told about this deal, so a win is announced once and a reversal only after a win. */
export interface DealMemory {
  won: { contactIds: number[]; primaryContactId: number | null; wonAt: number } | null;
  history: DealHistoryEntry[];
  /** What the deal's discounts hold in the customers' workflows; absent in memories from before discounts. */
  discounts?: DealDiscountMemory;
}

export interface DealHistoryEntry {
  at: number;
  event:
    | 'won-dispatched'
    | 'reversal-dispatched'
    | 'deleted'
    | 'no-change'
    | 'discounts-applied'
    | 'discounts-unchanged'
    | 'discounts-released'
    | 'discounts-failed';
  stageId: string | null;
  reason: string;
}

export const dealStatusQuery = wf.defineQuery<DealMemory>('dealStatus');

/** Bitrix24 sends several update events per user action: gather them before reading the deal once. */
const COALESCE_WINDOW = '2 seconds';
/** A deal that was never won has nothing to undo: its workflow ends after this long without events. */
const IDLE_LIFETIME = '7 days';
const HISTORY_KEPT = 50;
/** Discounts on the deal's rows (issue #5): new commands, so histories recorded before it replay without them. */
const DISCOUNTS_PATCH = 'deal-discounts';
/** A win is dated by the CRM's stage move, not by when it was processed (issue #5): histories from before used workflow time. */
const CRM_WON_AT_PATCH = 'deal-won-at-from-crm';
/** Histories from before it ended an idle deal even while it held the payer's redeemed cashback, which was then never given back. */
const KEEP_REDEMPTION_PATCH = 'deal-idle-keeps-redemption';

const crm = bitrix24Activities<DealActivities>();
const customers = wf.proxyActivities<CustomerWorkflowActivities>(WORKFLOW_MESSAGE);

/**
 * One workflow per deal, woken by CRM event notices (which carry only the id): re-reads the deal and
 * tells the customers' workflows when it becomes won, or stops being won. Duplicate and reordered notices
 * are harmless because every run acts on the deal's current state, and customers de-duplicate by deal id.
 */
export async function deal(input: DealInput): Promise<DealMemory> {
  const memory: DealMemory = input.carried ?? { won: null, history: [] };
  const notices: CrmEventNotice[] = [];
  wf.setHandler(crmEventSignal, (notice) => void notices.push(notice));
  wf.setHandler(dealStatusQuery, () => memory);

  const record = (event: DealHistoryEntry['event'], stageId: string | null, reason: string): void => {
    memory.history.push({ at: Date.now(), event, stageId, reason });
    if (memory.history.length > HISTORY_KEPT) memory.history.shift();
  };

  for (;;) {
    const wake = (): boolean => notices.length > 0 || wf.workflowInfo().continueAsNewSuggested;
    // A won deal's workflow stays to notice a later reversal, one holding redeemed cashback to give it back if the deal
    // is lost however long the customer takes; any other deal may end when idle.
    if (memory.won !== null || (holdsRedemption(memory) && wf.patched(KEEP_REDEMPTION_PATCH))) await wf.condition(wake);
    else if (!(await wf.condition(wake, IDLE_LIFETIME, { summary: 'ends when no CRM event comes for 7 days' }))) return memory;
    if (notices.length > 0) {
      await wf.sleep(COALESCE_WINDOW, { summary: 'gathers a burst of CRM events before reading the deal once' });
      notices.splice(0);
      const facts = await crm.readDealFacts({ portal: input.portal, dealId: input.dealId });
      if (facts === null) {
        if (wf.patched(DISCOUNTS_PATCH)) await release(memory, input, 'deal deleted in the CRM', record);
        await reverse(memory, input, 'deal deleted in the CRM');
        record('deleted', null, 'deal deleted in the CRM');
        if (memory.won === null) return memory;
        continue;
      }
      await follow(memory, input, facts, record);
    }
    if (wf.workflowInfo().continueAsNewSuggested && notices.length === 0) {
      await wf.condition(wf.allHandlersFinished);
      await wf.continueAsNew<typeof deal>({ ...input, carried: memory });
    }
  }
}

async function follow(
  memory: DealMemory,
  input: DealInput,
  facts: DealFacts,
  record: Recorder,
): Promise<void> {
  if (wf.patched(DISCOUNTS_PATCH)) await settleDiscounts(memory, input, facts, record);
  if (facts.semantic === 'S' && memory.won === null) {
    const wonAt = wonAtOf(facts);
    const dispatched = await customers.dispatchDealWon({
      portal: input.portal,
      dealId: input.dealId,
      pipelineId: facts.pipelineId,
      amountMinor: facts.amountMinor,
      currency: facts.currency,
      wonAt,
      contactIds: facts.contactIds,
      primaryContactId: facts.primaryContactId,
    });
    memory.won = { contactIds: facts.contactIds, primaryContactId: facts.primaryContactId, wonAt };
    // Histories from before the dispatch answered carry no result.
    const note = dispatched?.noMoney ? ` (${dispatched.noMoney})` : '';
    record('won-dispatched', facts.stageId, `deal won in stage ${facts.stageId}${note}`);
  } else if (facts.semantic !== 'S' && memory.won !== null) {
    await reverse(memory, input, `deal left the won stage for ${facts.stageId}`);
    record('reversal-dispatched', facts.stageId, `deal left the won stage for ${facts.stageId}`);
  } else {
    record('no-change', facts.stageId, facts.semantic === 'S' ? 'still won' : 'not won');
  }
}

/**
 * A deal processed late (reconciler, backfill, an outage) still earns cashback and counts as of the day it was won.
 * MOVED_TIME is the last stage change, which for a deal in its won stage is the move into it; the portal's clock may
 * run ahead of the workflow's, so a win is never dated in the workflow's future.
 */
function wonAtOf(facts: DealFacts): number {
  const processedAt = Date.now();
  if (!wf.patched(CRM_WON_AT_PATCH) || facts.stageMovedAt === undefined || facts.stageMovedAt === null) return processedAt;
  return Math.min(facts.stageMovedAt, processedAt);
}

function holdsRedemption(memory: DealMemory): boolean {
  return (memory.discounts?.redemption ?? null) !== null;
}

type Recorder = (event: DealHistoryEntry['event'], stageId: string | null, reason: string) => void;

/**
 * Discounts are written while the deal is in progress in a discount stage and kept as they are afterwards; a lost
 * deal gives back what they used up. A discount step the portal or an account refuses for good is recorded and does
 * not stop the deal's won/reversed bookkeeping.
 */
async function settleDiscounts(memory: DealMemory, input: DealInput, facts: DealFacts, record: Recorder): Promise<void> {
  if (facts.semantic === 'F') {
    await release(memory, input, `deal lost in stage ${facts.stageId}`, record);
    return;
  }
  if (!facts.discounts) return;
  memory.discounts ??= emptyDiscountMemory();
  try {
    const outcome = await applyDealDiscounts(input.portal, facts, facts.discounts, memory.discounts);
    record(outcome === 'applied' ? 'discounts-applied' : 'discounts-unchanged', facts.stageId, `discounts in stage ${facts.stageId}`);
  } catch (error) {
    if (!(error instanceof wf.ActivityFailure)) throw error;
    wf.log.warn('deal discounts not applied', { dealId: input.dealId, cause: error.cause?.message ?? error.message });
    record('discounts-failed', facts.stageId, error.cause?.message ?? error.message);
  }
}

async function release(memory: DealMemory, input: DealInput, reason: string, record: Recorder): Promise<void> {
  if (memory.discounts === undefined) return;
  if (await releaseDealDiscounts(input.portal, input.dealId, memory.discounts, reason)) record('discounts-released', null, reason);
}

async function reverse(memory: DealMemory, input: DealInput, reason: string): Promise<void> {
  if (memory.won === null) return;
  await customers.dispatchDealReversed({
    portal: input.portal,
    dealId: input.dealId,
    at: Date.now(),
    contactIds: memory.won.contactIds,
    primaryContactId: memory.won.primaryContactId,
    reason,
  });
  memory.won = null;
}
