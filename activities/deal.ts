import { addCommentOnce, type Bitrix24Client, contacts, NotFoundError, type ProductRow, type ProductRowInput } from '../src/bitrix24';
import { readDealSnapshot, writeDealDiscounts } from '../src/bitrix24/deal-batches';
import { LOYALTY_FIELDS } from '../src/bitrix24/loyalty-fields';
import { type Contact } from '../src/bitrix24/shapes/contact';
import { stageRejection } from '../src/domain/discounts';
import { parsePercent } from '../src/domain/money';
import { markersFromField } from '../src/domain/product-row-marker';
import { type BitrixRowFields, type BitrixRowSnapshot, snapshotOfReportedRow } from '../src/domain/product-rows';
import type { Programme } from '../src/domain/programme';
import { parseQuantity, QUANTITY_SCALE } from '../src/domain/quantity';
import { toApplicationFailure, withBitrix24Failures } from './bitrix24-failure';

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
  /**
   * When the CRM last moved the deal between stages (MOVED_TIME, epoch ms): for a won deal, when it was won. Null when
   * the portal does not send it; absent in histories from before it was read.
   */
  stageMovedAt?: number | null;
  /** Present while the deal is in progress in a discount stage of its pipeline (absent in histories from before discounts). */
  discounts?: DealDiscountFacts | null;
}

/** The deal's side of a discount decision. */
export interface DealDiscountFacts {
  /** The deal's rows with our markers attached, in minor units / thousandths / basis points. */
  rows: BitrixRowSnapshot[];
  fields: DealLoyaltyFields;
  cashbackToRedeemMinor: number;
  /** Customer groups of each contact (contact field), in `contactIds` order. */
  contactGroups: { contactId: number; groupIds: string[] }[];
}

/** The loyalty fields the engine writes on a deal; compared before writing so an unchanged deal is not written. */
export interface DealLoyaltyFields {
  status: string | null;
  appliedDiscounts: string | null;
  rowMarkers: string | null;
}

export interface DealDiscountWriteRequest {
  portal: string;
  dealId: number;
  currencyId: string;
  /** Null: leave the rows as they are. */
  rows: BitrixRowFields[] | null;
  fields: DealLoyaltyFields;
}

export interface DealActivities {
  /** Null when the deal no longer exists. */
  readDealFacts(request: { portal: string; dealId: number }): Promise<DealFacts | null>;
  /** Rows and loyalty fields in one batch, absolute values. */
  writeDealDiscounts(request: DealDiscountWriteRequest): Promise<void>;
  /** The timeline comment, added once per reference. */
  commentDealOnce(request: { portal: string; dealId: number; comment: string; reference: string }): Promise<void>;
}

function reportedRow(row: ProductRow, marker: string | null, index: number): BitrixRowSnapshot {
  return snapshotOfReportedRow({
    PRODUCT_ID: row.productId,
    PRODUCT_NAME: row.productName,
    PRICE: row.priceMinor,
    PRICE_NETTO: row.priceNettoMinor ?? row.priceMinor,
    QUANTITY: parseQuantity(row.quantity, `rows[${index}].QUANTITY`),
    DISCOUNT_SUM: row.discountSumMinor ?? 0,
    TAX_RATE: row.taxRate === null ? null : parsePercent(row.taxRate),
    TAX_INCLUDED: row.taxIncluded ? 'Y' : 'N',
    marker,
  });
}

function productRowInput(row: BitrixRowFields): ProductRowInput {
  return {
    productId: row.PRODUCT_ID,
    productName: row.PRODUCT_NAME,
    priceMinor: row.PRICE,
    quantity: row.QUANTITY / QUANTITY_SCALE,
    discount: { type: 'absolute', perUnitMinor: row.DISCOUNT_SUM },
    ...(row.TAX_RATE === null ? {} : { taxRate: row.TAX_RATE / 100 }),
    taxIncluded: row.TAX_INCLUDED === 'Y',
  };
}

const fieldText = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The contact field holds one group id or several, comma-separated. */
function groupIdsOf(contact: Contact | undefined): string[] {
  const value = fieldText(contact?.userFields[LOYALTY_FIELDS.contact.group]) ?? '';
  return value.split(',').map((id) => id.trim()).filter((id) => id !== '');
}

export function createDealActivities(bitrix: Bitrix24Client, programme: Programme): DealActivities {
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
      const contactIds = bindings.map((binding) => binding.contactId);
      const inDiscountStage = semantic === 'P' && stageRejection(programme, { pipelineId: deal.categoryId, stageId: deal.stageId }) === null;
      let discounts: DealDiscountFacts | null = null;
      if (inDiscountStage) {
        // Contacts past the batch's slots (large groups) cost one more request.
        const extra = await Promise.all(snapshot.unreadContactIds.map((id) => withBitrix24Failures(() => bitrix.run(contacts.get(id)))));
        const records = [...snapshot.contactRecords, ...extra];
        const markers = markersFromField(fieldText(deal.userFields[LOYALTY_FIELDS.deal.rowMarkers]), snapshot.productRows.length);
        discounts = {
          rows: snapshot.productRows.map((row, i) => reportedRow(row, markers[i] ?? null, i)),
          fields: { status: deal.loyalty.status, appliedDiscounts: deal.loyalty.appliedDiscounts, rowMarkers: fieldText(deal.userFields[LOYALTY_FIELDS.deal.rowMarkers]) },
          cashbackToRedeemMinor: deal.loyalty.cashbackToRedeemMinor ?? 0,
          contactGroups: contactIds.map((contactId) => ({ contactId, groupIds: groupIdsOf(records.find((c) => c.id === contactId)) })),
        };
      }
      return {
        dealId,
        pipelineId: deal.categoryId,
        stageId: deal.stageId,
        semantic,
        amountMinor: deal.opportunityMinor ?? 0,
        currency: deal.currencyId,
        contactIds,
        primaryContactId: bindings.find((binding) => binding.isPrimary)?.contactId ?? deal.primaryContactId,
        stageMovedAt: deal.movedAt?.epochMs ?? null,
        discounts,
      };
    },

    async writeDealDiscounts({ dealId, currencyId, rows, fields }) {
      await withBitrix24Failures(() =>
        writeDealDiscounts(bitrix, dealId, {
          productRows: rows === null ? null : rows.map(productRowInput),
          currencyId,
          fields: { loyalty: { status: fields.status, appliedDiscounts: fields.appliedDiscounts }, userFields: { [LOYALTY_FIELDS.deal.rowMarkers]: fields.rowMarkers ?? '' } },
        }),
      );
    },

    async commentDealOnce({ dealId, comment, reference }) {
      await withBitrix24Failures(() => addCommentOnce(bitrix, { entityType: 'deal', entityId: dealId, comment }, reference));
    },
  };
}
