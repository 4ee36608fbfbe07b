import { runBatch, unwrap } from './batch';
import { type Bitrix24Client } from './client';
import { command, type Command } from './command';
import { deals } from './methods/deals';
import { parseRows, parseTrue } from './methods/parse';
import { pipelines } from './methods/pipelines';
import { timeline } from './methods/timeline';
import { currencyFractionDigits } from './money';
import { dealPatchToFields, type Deal, type DealContactBinding, type DealPatch } from './shapes/deal';
import { parseProductRow, productRowsToWire, type ProductRow, type ProductRowInput } from './shapes/product-row';
import { type Stage } from './shapes/stage';

/** Everything an activity needs about one deal, read in one `batch` call. */
export interface DealSnapshot {
  deal: Deal;
  contacts: DealContactBinding[];
  productRows: ProductRow[];
  /** Stages of the deal's pipeline, in board order. */
  stages: Stage[];
}

export interface DealReadOptions {
  /**
   * The deal's pipeline if already known (e.g. from the last snapshot): the stages are then read from
   * that pipeline's dictionary only; otherwise every deal-stage dictionary is read and filtered.
   */
  categoryId?: number;
  /** Currency for the product-row minor units when known; otherwise 2 decimals are assumed. */
  currencyId?: string;
}

export function dealReadCommands(dealId: number, options: DealReadOptions = {}) {
  const digits = currencyFractionDigits(options.currencyId);
  return {
    deal: deals.get(dealId),
    contacts: deals.contactItems(dealId),
    // Raw rows: their minor units are computed after the deal's currency is known.
    productRows: command('crm.deal.productrows.get', { id: dealId }, (result) => ({ result, digits })),
    stages: options.categoryId === undefined ? pipelines.allDealStages() : pipelines.dealStages(options.categoryId),
  };
}

/** The per-deal read: deal + contact bindings + product rows + pipeline stages, one HTTP request. */
export async function readDealSnapshot(client: Bitrix24Client, dealId: number, options: DealReadOptions = {}): Promise<DealSnapshot> {
  const outcomes = await runBatch(client, dealReadCommands(dealId, options));
  const deal = unwrap(outcomes.deal, 'deal');
  const rows = unwrap(outcomes.productRows, 'productRows');
  const digits = options.currencyId === undefined ? currencyFractionDigits(deal.currencyId) : rows.digits;
  return {
    deal,
    contacts: unwrap(outcomes.contacts, 'contacts'),
    productRows: parseRows(rows.result, (row, path) => parseProductRow(row, path, digits)),
    stages: unwrap(outcomes.stages, 'stages').filter((stage) => stage.categoryId === deal.categoryId),
  };
}

/** What the engine writes back to a deal after applying loyalty rules. */
export interface DealWrite {
  /** Full replacement of the product rows (discounts applied). */
  productRows: readonly ProductRowInput[];
  currencyId: string;
  fields: DealPatch;
  /** Human-visible note for the deal's timeline. */
  comment: string;
}

export function dealWriteCommands(dealId: number, write: DealWrite): { rows: Command<true>; fields: Command<true>; comment: Command<number> } {
  return {
    rows: command(
      'crm.deal.productrows.set',
      { id: dealId, rows: productRowsToWire(write.productRows, currencyFractionDigits(write.currencyId)) },
      parseTrue,
    ),
    fields: command('crm.deal.update', { id: dealId, fields: dealPatchToFields(write.fields) }, parseTrue),
    comment: timeline.addComment({ entityType: 'deal', entityId: dealId, comment: write.comment }),
  };
}

/**
 * The per-deal write as one `batch` with `halt`: rows, then fields, then the timeline comment. If the
 * rows are rejected nothing after them runs, and the rejection is thrown as its typed error.
 */
export async function writeDeal(client: Bitrix24Client, dealId: number, write: DealWrite): Promise<{ commentId: number }> {
  const outcomes = await runBatch(client, dealWriteCommands(dealId, write), { halt: true });
  unwrap(outcomes.rows, 'rows');
  unwrap(outcomes.fields, 'fields');
  return { commentId: unwrap(outcomes.comment, 'comment') };
}
