import { type Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { type Bitrix24Client, deals, scanByKeyset } from '../bitrix24';
import { cashbackAmountFor } from '../domain/cashback-rules';
import { earnsIn, foreignCurrencyReason, type Programme } from '../domain/programme';
import { signalEntityWorkflow, type IntakeRoute } from './entity-notice';

/** A won deal as the backfill sees it in the list (one list call per 50 deals, no per-deal reads). */
export interface WonDeal {
  dealId: number;
  pipelineId: number;
  amountMinor: number;
  currency: string | null;
  closeDate: string | null;
  primaryContactId: number | null;
}

export interface CreditPreview {
  deal: WonDeal;
  cashbackMinor: number;
  /** Why the deal earns no cashback, or null when it does. */
  noCashback: string | null;
}

/** `--since`: a calendar date `YYYY-MM-DD`, compared with the deals' CLOSEDATE (a date, so no time zone applies). */
export function parseSinceDate(text: string): string {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed) || !DateTime.fromISO(trimmed).isValid) {
    throw new Error(`--since: "${text}" must be a calendar date YYYY-MM-DD, such as 2025-01-01`);
  }
  return trimmed;
}

/**
 * Every deal in a won (success-semantics) stage whose closing date is on or after `since`, by ascending id.
 * CLOSEDATE is the deal's closing date as managers see and correct it in the CRM, so it is what a company
 * moving from spreadsheets means by "deals since".
 */
export async function listWonDeals(bitrix: Bitrix24Client, since: string): Promise<WonDeal[]> {
  const filter = { STAGE_SEMANTIC_ID: 'S', '>=CLOSEDATE': since };
  const select = ['CATEGORY_ID', 'STAGE_SEMANTIC_ID', 'OPPORTUNITY', 'CURRENCY_ID', 'CONTACT_ID', 'CLOSEDATE'];
  const won: WonDeal[] = [];
  for await (const deal of scanByKeyset(bitrix, deals.list, (d) => d.id, { filter, select })) {
    won.push({
      dealId: deal.id,
      pipelineId: deal.categoryId,
      amountMinor: deal.opportunityMinor ?? 0,
      currency: deal.currencyId,
      closeDate: deal.closeDate,
      primaryContactId: deal.primaryContactId,
    });
  }
  return won;
}

/**
 * What the engine will credit for each won deal, computed by the same domain rules the customer workflows use. Tiers
 * by cumulative spend count the listed deals in order; what a customer spent before the backfill's window is known
 * only to their account, so for them the preview may show a lower tier than the account will book.
 */
export function previewCredits(won: readonly WonDeal[], programme: Programme): CreditPreview[] {
  const spentMinor = new Map<number, number>();
  return won.map((deal) => {
    if (!earnsIn(programme, 'cashback', deal.pipelineId)) return { deal, cashbackMinor: 0, noCashback: `pipeline ${deal.pipelineId} earns no cashback` };
    if (deal.primaryContactId === null) return { deal, cashbackMinor: 0, noCashback: 'no primary contact to credit' };
    const foreign = foreignCurrencyReason(programme, deal.currency);
    if (foreign !== null) return { deal, cashbackMinor: 0, noCashback: foreign };
    const spentBefore = spentMinor.get(deal.primaryContactId) ?? 0;
    spentMinor.set(deal.primaryContactId, spentBefore + deal.amountMinor);
    return { deal, cashbackMinor: cashbackAmountFor(deal.amountMinor, spentBefore, programme.cashback), noCashback: null };
  });
}

/**
 * Hands each won deal to its deal workflow, exactly as the reconciler does: the workflow reads the deal and
 * credits a win once, so replaying deals already processed (or running the backfill twice) changes nothing.
 */
export async function replayWonDeals(client: Client, route: IntakeRoute, won: readonly WonDeal[], onEach: () => void): Promise<void> {
  const ts = Math.floor(Date.now() / 1000);
  for (const deal of won) {
    await signalEntityWorkflow(client, route, { kind: 'deal', entityId: deal.dealId, event: 'RECONCILE', ts, source: 'backfill' });
    onEach();
  }
}
