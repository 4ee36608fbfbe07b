import { command, type Command, type IdOrReference, type Page } from '../command';
import { currencyFractionDigits } from '../money';
import { dealPatchToFields, parseDeal, parseDealContactBinding, type Deal, type DealContactBinding, type DealPatch } from '../shapes/deal';
import { parseProductRow, productRowsToWire, type ProductRow, type ProductRowInput } from '../shapes/product-row';
import { listParams, type ListParams } from './list-params';
import { parsePage, parseRows, parseTrue } from './parse';

/** Standard fields plus all custom fields (the portal's own default when `select` is omitted). */
export const DEAL_DEFAULT_SELECT = ['*', 'UF_*'];

export const deals = {
  get(id: IdOrReference): Command<Deal> {
    return command('crm.deal.get', { id }, (result) => parseDeal(result, 'result'));
  },

  list(params: ListParams = {}): Command<Page<Deal>> {
    return command('crm.deal.list', listParams({ select: DEAL_DEFAULT_SELECT, ...params }), (result, page) => parsePage(result, page, parseDeal));
  },

  update(id: IdOrReference, patch: DealPatch): Command<true> {
    return command('crm.deal.update', { id, fields: dealPatchToFields(patch) }, parseTrue);
  },

  contactItems(id: IdOrReference): Command<DealContactBinding[]> {
    return command('crm.deal.contact.items.get', { id }, (result) => parseRows(result, parseDealContactBinding));
  },

  /** `currencyId` (the deal's) sets the minor-unit scale of the amounts. */
  productRows(id: IdOrReference, currencyId?: string | null): Command<ProductRow[]> {
    const digits = currencyFractionDigits(currencyId);
    return command('crm.deal.productrows.get', { id }, (result) => parseRows(result, (row, path) => parseProductRow(row, path, digits)));
  },

  /** Replaces all rows of the deal; rows are validated before anything is sent. */
  setProductRows(id: number, rows: readonly ProductRowInput[], currencyId?: string | null): Command<true> {
    return command('crm.deal.productrows.set', { id, rows: productRowsToWire(rows, currencyFractionDigits(currencyId)) }, parseTrue);
  },
};
