import { resultRef, runBatch, unwrap, type CommandOutcome } from './batch';
import { type Bitrix24Client } from './client';
import { command, type Command } from './command';
import { contacts as contactMethods } from './methods/contacts';
import { deals } from './methods/deals';
import { parseRows, parseTrue } from './methods/parse';
import { pipelines } from './methods/pipelines';
import { currencyFractionDigits } from './money';
import { dealPatchToFields, type Deal, type DealContactBinding, type DealPatch } from './shapes/deal';
import { parseProductRow, productRowsToWire, type ProductRow, type ProductRowInput } from './shapes/product-row';
import { type Contact } from './shapes/contact';
import { type Stage } from './shapes/stage';

/** Everything an activity needs about one deal, read in one `batch` call. */
export interface DealSnapshot {
  deal: Deal;
  contacts: DealContactBinding[];
  productRows: ProductRow[];
  /** Stages of the deal's pipeline, in board order. */
  stages: Stage[];
  /** The bound contacts the read could fetch (see `DealReadOptions.contactSlots`), in binding order. */
  contactRecords: Contact[];
  /** Bound contacts beyond the slots: read them separately if needed. */
  unreadContactIds: number[];
}

/** Contacts read with the deal by default: most deals have one or two (a travel club's couple). */
export const DEAL_CONTACT_SLOTS = 3;

export interface DealReadOptions {
  /**
   * The deal's pipeline if already known (e.g. from the last snapshot): the stages are then read from
   * that pipeline's dictionary only; otherwise every deal-stage dictionary is read and filtered.
   */
  categoryId?: number;
  /** Currency for the product-row minor units when known; otherwise 2 decimals are assumed. */
  currencyId?: string;
  /**
   * How many bound contacts to read in the same request, by reference to the bindings (`$result[contacts][i]`):
   * the batch cannot loop, so slot i fetches the i-th binding and a slot past the last binding fails harmlessly.
   */
  contactSlots?: number;
}

function contactSlotCommands(slots: number) {
  return Object.fromEntries(Array.from({ length: slots }, (_, i) => [`contact${i}`, contactMethods.get(resultRef('contacts', i, 'CONTACT_ID'))]));
}

/** The fetched contacts of the bound ones; a slot past the last binding, or a contact deleted meanwhile, has none. */
function slotContacts(outcomes: Record<string, CommandOutcome<unknown>>, bindings: readonly DealContactBinding[], slots: number): Contact[] {
  const found: Contact[] = [];
  for (let i = 0; i < Math.min(slots, bindings.length); i++) {
    const outcome = outcomes[`contact${i}`] as CommandOutcome<Contact> | undefined;
    if (outcome === undefined) continue;
    if (outcome.status === 'error' && outcome.error.kind === 'not_found') continue;
    found.push(unwrap(outcome, `contact${i}`));
  }
  return found;
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

/** The per-deal read: deal + contact bindings + product rows + pipeline stages + bound contacts, one HTTP request. */
export async function readDealSnapshot(client: Bitrix24Client, dealId: number, options: DealReadOptions = {}): Promise<DealSnapshot> {
  const slots = options.contactSlots ?? DEAL_CONTACT_SLOTS;
  const outcomes = await runBatch(client, { ...dealReadCommands(dealId, options), ...contactSlotCommands(slots) });
  const deal = unwrap(outcomes.deal, 'deal');
  const rows = unwrap(outcomes.productRows, 'productRows');
  const digits = options.currencyId === undefined ? currencyFractionDigits(deal.currencyId) : rows.digits;
  const bindings = unwrap(outcomes.contacts, 'contacts');
  return {
    deal,
    contacts: bindings,
    productRows: parseRows(rows.result, (row, path) => parseProductRow(row, path, digits)),
    stages: unwrap(outcomes.stages, 'stages').filter((stage) => stage.categoryId === deal.categoryId),
    contactRecords: slotContacts(outcomes, bindings, slots),
    unreadContactIds: bindings.slice(slots).map((binding) => binding.contactId),
  };
}

function rowsCommand(dealId: number, productRows: readonly ProductRowInput[], currencyId: string): Command<true> {
  return command('crm.deal.productrows.set', { id: dealId, rows: productRowsToWire(productRows, currencyFractionDigits(currencyId)) }, parseTrue);
}

function fieldsCommand(dealId: number, fields: DealPatch): Command<true> {
  return command('crm.deal.update', { id: dealId, fields: dealPatchToFields(fields) }, parseTrue);
}

/** Discounts written back without a comment (the caller adds it once with `addCommentOnce`); rows omitted stay as they are. */
export interface DealDiscountWrite {
  productRows: readonly ProductRowInput[] | null;
  currencyId: string;
  fields: DealPatch;
}

/**
 * Rows then fields in one `batch` with `halt`: absolute values, so a repeat writes the same thing. If the rows are
 * rejected the fields are not written, and the rejection is thrown as its typed error.
 */
export async function writeDealDiscounts(client: Bitrix24Client, dealId: number, write: DealDiscountWrite): Promise<void> {
  const commands: Record<string, Command<true>> = {};
  if (write.productRows !== null) commands.rows = rowsCommand(dealId, write.productRows, write.currencyId);
  commands.fields = fieldsCommand(dealId, write.fields);
  const outcomes = await runBatch(client, commands, { halt: true });
  for (const [key, outcome] of Object.entries(outcomes)) unwrap(outcome, key);
}
