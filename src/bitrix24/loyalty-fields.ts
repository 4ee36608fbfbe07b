/**
 * The engine's custom fields on the portal. Names are final (`UF_CRM_` + ≤ 43 chars of A-Z0-9_), so the
 * portal stores them exactly as written here; workflows and activities refer to them through this map.
 */
export const LOYALTY_FIELDS = {
  contact: {
    referrer: 'UF_CRM_LOYALTY_REFERRER',
    referralCode: 'UF_CRM_LOYALTY_REF_CODE',
    /** The contact's referral link (the programme's link template with the code), ready to send. */
    referralLink: 'UF_CRM_LOYALTY_REF_LINK',
    referralCount: 'UF_CRM_LOYALTY_REF_COUNT',
    purchaseCount: 'UF_CRM_LOYALTY_PURCHASES',
    discountPercent: 'UF_CRM_LOYALTY_DISCOUNT_PCT',
    cashbackBalance: 'UF_CRM_LOYALTY_CASHBACK',
    birthdayWindow: 'UF_CRM_LOYALTY_BDAY_WINDOW',
    summary: 'UF_CRM_LOYALTY_SUMMARY',
    /** Customer group ids (programme `groups[].id`), comma-separated. */
    group: 'UF_CRM_LOYALTY_GROUP',
  },
  deal: {
    status: 'UF_CRM_LOYALTY_STATUS',
    appliedDiscounts: 'UF_CRM_LOYALTY_DISCOUNTS',
    cashbackToRedeem: 'UF_CRM_LOYALTY_CASHBACK_REDEEM',
    /** The engine's product-row markers (exact undiscounted prices), one per row: see src/domain/product-row-marker.ts. */
    rowMarkers: 'UF_CRM_LOYALTY_ROW_BASE',
  },
} as const;

export type ContactLoyaltyFieldKey = keyof typeof LOYALTY_FIELDS.contact;
export type DealLoyaltyFieldKey = keyof typeof LOYALTY_FIELDS.deal;

export type UserFieldType = 'string' | 'integer' | 'double' | 'boolean' | 'crm' | 'date' | 'datetime' | 'enumeration' | 'money' | 'url';

export interface UserFieldDefinition {
  fieldName: string;
  userTypeId: UserFieldType;
  label: string;
  multiple?: boolean;
  settings?: Record<string, unknown>;
}

const contact = LOYALTY_FIELDS.contact;
const deal = LOYALTY_FIELDS.deal;

/** What `setup` creates. Amounts are `double` with 2 decimals so CRM users can read and filter them. */
export const LOYALTY_FIELD_DEFINITIONS: { contact: UserFieldDefinition[]; deal: UserFieldDefinition[] } = {
  contact: [
    // Linked to contacts only, so the portal stores a bare contact id.
    { fieldName: contact.referrer, userTypeId: 'crm', label: 'Loyalty: referred by', settings: { CONTACT: 'Y', LEAD: 'N', COMPANY: 'N', DEAL: 'N' } },
    { fieldName: contact.referralCode, userTypeId: 'string', label: 'Loyalty: referral code' },
    // A url field, so managers can open or copy the link from the contact card.
    { fieldName: contact.referralLink, userTypeId: 'url', label: 'Loyalty: referral link' },
    { fieldName: contact.referralCount, userTypeId: 'integer', label: 'Loyalty: referred buyers', settings: { DEFAULT_VALUE: 0 } },
    { fieldName: contact.purchaseCount, userTypeId: 'integer', label: 'Loyalty: won purchases counted', settings: { DEFAULT_VALUE: 0 } },
    { fieldName: contact.discountPercent, userTypeId: 'double', label: 'Loyalty: current discount %', settings: { PRECISION: 2 } },
    { fieldName: contact.cashbackBalance, userTypeId: 'double', label: 'Loyalty: cashback balance', settings: { PRECISION: 2 } },
    { fieldName: contact.birthdayWindow, userTypeId: 'boolean', label: 'Loyalty: birthday discount active', settings: { DEFAULT_VALUE: 0, DISPLAY: 'CHECKBOX' } },
    { fieldName: contact.summary, userTypeId: 'string', label: 'Loyalty: summary', settings: { ROWS: 4 } },
    { fieldName: contact.group, userTypeId: 'string', label: 'Loyalty: customer group' },
  ],
  deal: [
    { fieldName: deal.status, userTypeId: 'string', label: 'Loyalty: status' },
    { fieldName: deal.appliedDiscounts, userTypeId: 'string', label: 'Loyalty: applied discounts', settings: { ROWS: 3 } },
    { fieldName: deal.cashbackToRedeem, userTypeId: 'double', label: 'Loyalty: cashback to redeem', settings: { PRECISION: 2 } },
    { fieldName: deal.rowMarkers, userTypeId: 'string', label: 'Loyalty: undiscounted row prices (engine data)', settings: { ROWS: 2 } },
  ],
};

/** Loyalty amounts live in `double` fields with two decimals. */
export const LOYALTY_AMOUNT_FRACTION_DIGITS = 2;
