import { type Bitrix24Client, NotFoundError, readDealSnapshot } from '../src/bitrix24';
import { toApplicationFailure } from './bitrix24-failure';

/** What the deal workflow needs to know about a deal, read in one batch request. */
export interface DealFacts {
  dealId: number;
  pipelineId: number;
  stageId: string;
  /** P in progress, S won, F lost. */
  semantic: 'P' | 'S' | 'F';
  amountMinor: number;
  currency: string | null;
  /** Contacts in CRM order; the primary contact first. */
  contactIds: number[];
  primaryContactId: number | null;
}

export interface DealActivities {
  /** Null when the deal no longer exists. */
  readDealFacts(request: { portal: string; dealId: number }): Promise<DealFacts | null>;
}

export function createDealActivities(bitrix: Bitrix24Client): DealActivities {
  return {
    async readDealFacts({ dealId }) {
      let snapshot: Awaited<ReturnType<typeof readDealSnapshot>>;
      try {
        snapshot = await readDealSnapshot(bitrix, dealId);
      } catch (error) {
        // Only the deal itself missing means deleted; a not-found from its rows or stages is a real failure.
        if (error instanceof NotFoundError && error.method === 'crm.deal.get') return null;
        throw toApplicationFailure(error);
      }
      const { deal } = snapshot;
      const bindings = [...snapshot.contacts].sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.sort - b.sort);
      const semantic = deal.stageSemantic ?? snapshot.stages.find((stage) => stage.statusId === deal.stageId)?.semantic ?? 'P';
      return {
        dealId,
        pipelineId: deal.categoryId,
        stageId: deal.stageId,
        semantic,
        amountMinor: deal.opportunityMinor ?? 0,
        currency: deal.currencyId,
        contactIds: bindings.map((binding) => binding.contactId),
        primaryContactId: bindings.find((binding) => binding.isPrimary)?.contactId ?? deal.primaryContactId,
      };
    },
  };
}
