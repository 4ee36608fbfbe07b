import { describe, expect, it } from 'vitest';
import { LOYALTY_FIELDS, ValidationError, wonStage, lostStages } from '../../src/bitrix24';
import { parseContact, contactPatchToFields } from '../../src/bitrix24/shapes/contact';
import { dealPatchToFields, parseDeal } from '../../src/bitrix24/shapes/deal';
import { parseProductRow, productRowsToWire } from '../../src/bitrix24/shapes/product-row';
import { parseStage } from '../../src/bitrix24/shapes/stage';

const C = LOYALTY_FIELDS.contact;
const D = LOYALTY_FIELDS.deal;

describe('deal shape', () => {
  const raw = {
    ID: '410',
    TITLE: 'Trip to Baikal',
    CATEGORY_ID: '1',
    STAGE_ID: 'C1:WON',
    STAGE_SEMANTIC_ID: 'S',
    CLOSED: 'Y',
    OPPORTUNITY: '19999.99',
    CURRENCY_ID: 'RUB',
    IS_MANUAL_OPPORTUNITY: 'N',
    CONTACT_ID: '12',
    COMPANY_ID: '0',
    ASSIGNED_BY_ID: '1',
    DATE_CREATE: '2024-05-01T10:00:00+03:00',
    DATE_MODIFY: '2024-05-02T11:30:00+03:00',
    MOVED_TIME: '2024-05-02T09:15:00+03:00',
    CLOSEDATE: '2024-05-08T00:00:00+03:00',
    ORIGIN_ID: '',
    [D.status]: 'cashback accrued',
    [D.cashbackToRedeem]: '150.5',
    UF_CRM_OTHER: [],
  };

  it('normalises legacy strings into typed values', () => {
    const deal = parseDeal(raw);
    expect(deal).toMatchObject({
      id: 410,
      categoryId: 1,
      stageId: 'C1:WON',
      stageSemantic: 'S',
      closed: true,
      opportunityMinor: 1_999_999,
      isManualOpportunity: false,
      primaryContactId: 12,
      companyId: null,
      closeDate: '2024-05-08',
      originId: null,
      loyalty: { status: 'cashback accrued', appliedDiscounts: null, cashbackToRedeemMinor: 15_050 },
    });
    expect(deal.createdAt).toEqual({ iso: '2024-05-01T10:00:00+03:00', epochMs: Date.UTC(2024, 4, 1, 7) });
    expect(deal.movedAt).toEqual({ iso: '2024-05-02T09:15:00+03:00', epochMs: Date.UTC(2024, 4, 2, 6, 15) });
    expect(deal.userFields.UF_CRM_OTHER).toBeNull();
  });

  it('names the broken field of a malformed record', () => {
    expect(() => parseDeal({ ...raw, OPPORTUNITY: 'lots' }, 'result')).toThrow(/result\.OPPORTUNITY/);
  });

  it('renders a patch into wire fields', () => {
    expect(dealPatchToFields({ stageId: 'C1:WON', opportunity: { minor: 150_000, currencyId: 'RUB' }, loyalty: { cashbackToRedeemMinor: 5 } })).toEqual({
      STAGE_ID: 'C1:WON',
      OPPORTUNITY: '1500.00',
      CURRENCY_ID: 'RUB',
      IS_MANUAL_OPPORTUNITY: 'Y',
      [D.cashbackToRedeem]: '0.05',
    });
  });
});

describe('contact shape', () => {
  it('reads birthdays as calendar dates, crm links in both formats, and loyalty fields', () => {
    const contact = parseContact({
      ID: '7',
      NAME: 'Anna',
      BIRTHDATE: '1990-03-15T00:00:00+03:00',
      PHONE: [{ ID: '1', VALUE_TYPE: 'MOBILE', VALUE: '+79990000000', TYPE_ID: 'PHONE' }],
      [C.referrer]: 'C_3',
      [C.referralCount]: '2',
      [C.discountPercent]: '7.5',
      [C.cashbackBalance]: '1200.40',
      [C.birthdayWindow]: '1',
    });
    expect(contact).toMatchObject({
      id: 7,
      birthdate: '1990-03-15',
      phones: [{ id: 1, valueType: 'MOBILE', value: '+79990000000' }],
      emails: [],
      loyalty: { referrerContactId: 3, referralCount: 2, discountBasisPoints: 750, cashbackBalanceMinor: 120_040, birthdayWindow: true, referralCode: null },
    });
    expect(parseContact({ ID: '8', [C.referrer]: '3' }).loyalty.referrerContactId).toBe(3);
  });

  it('writes loyalty values back in wire format and validates dates', () => {
    expect(contactPatchToFields({ birthdate: '1990-03-15', loyalty: { referrerContactId: 3, discountBasisPoints: 500, birthdayWindow: false } })).toEqual({
      BIRTHDATE: '1990-03-15',
      [C.referrer]: '3',
      [C.discountPercent]: '5.00',
      [C.birthdayWindow]: 'N',
    });
    expect(() => contactPatchToFields({ birthdate: '15.03.1990' })).toThrow(ValidationError);
    // A birthdate is personal data: the message says what is wrong, not what it was.
    expect(() => contactPatchToFields({ birthdate: '15.03.1990' })).toThrow('patch.birthdate: expected YYYY-MM-DD, got a string in another format');
  });
});

describe('product rows', () => {
  it('parses JSON-number prices into exact minor units', () => {
    const row = parseProductRow(
      { ID: '5', OWNER_ID: '410', PRODUCT_ID: 0, PRODUCT_NAME: 'Tour', PRICE: 899.1, PRICE_NETTO: 999, PRICE_EXCLUSIVE: 899.1, QUANTITY: 2, DISCOUNT_TYPE_ID: 2, DISCOUNT_RATE: 10, DISCOUNT_SUM: 99.9, TAX_RATE: null, TAX_INCLUDED: 'N', SORT: 10 },
      'row',
      2,
    );
    expect(row).toMatchObject({ id: 5, priceMinor: 89_910, priceNettoMinor: 99_900, discountSumMinor: 9_990, discountTypeId: 2, discountRate: 10, quantity: 2, taxRate: null, taxIncluded: false });
  });

  it('validates every row before rendering any, naming the bad one', () => {
    const good = { productName: 'Tour', priceMinor: 10_000, quantity: 1 };
    expect(() => productRowsToWire([good, { productName: 'Visa', priceMinor: 10.5, quantity: 1 }], 2)).toThrow(/rows\[1\]\.priceMinor/);
    expect(() => productRowsToWire([{ ...good, quantity: 0 }], 2)).toThrow(/rows\[0\]\.quantity/);
    expect(productRowsToWire([{ ...good, discount: { type: 'percent', rate: 10, perUnitMinor: 1_111 } }], 2)).toEqual([
      { PRODUCT_ID: 0, PRODUCT_NAME: 'Tour', PRICE: '100.00', QUANTITY: 1, DISCOUNT_TYPE_ID: 2, DISCOUNT_RATE: 10, DISCOUNT_SUM: '11.11' },
    ]);
  });
});

describe('stages', () => {
  const rows = [
    { ENTITY_ID: 'DEAL_STAGE', STATUS_ID: 'NEW', NAME: 'New', SORT: '10', SEMANTICS: null, EXTRA: { SEMANTICS: 'process' } },
    { ENTITY_ID: 'DEAL_STAGE', STATUS_ID: 'WON', NAME: 'Won', SORT: '60', SEMANTICS: 'S' },
    { ENTITY_ID: 'DEAL_STAGE_1', STATUS_ID: 'C1:PAID', NAME: 'Paid', SORT: '60', CATEGORY_ID: '1', SEMANTICS: 'S' },
    { ENTITY_ID: 'DEAL_STAGE_1', STATUS_ID: 'C1:LOSE', NAME: 'Lost', SORT: '70', CATEGORY_ID: '1', SEMANTICS: 'F' },
    { ENTITY_ID: 'DEAL_STAGE_1', STATUS_ID: 'C1:APOLOGY', NAME: 'Analyse', SORT: '80', EXTRA: { SEMANTICS: 'apology' } },
  ].map((row, index) => parseStage(row, `result[${index}]`));

  it('finds the won stage by semantics, not by the literal WON', () => {
    expect(wonStage(rows, 0)?.statusId).toBe('WON');
    expect(wonStage(rows, 1)?.statusId).toBe('C1:PAID');
    expect(lostStages(rows, 1).map((stage) => stage.statusId)).toEqual(['C1:LOSE', 'C1:APOLOGY']);
    expect(rows[0]?.semantic).toBe('P');
    expect(rows[4]?.categoryId).toBe(1);
  });
});
