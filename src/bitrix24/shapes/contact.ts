import { ValidationError } from '../errors';
import { LOYALTY_AMOUNT_FRACTION_DIGITS, LOYALTY_FIELDS } from '../loyalty-fields';
import { fromMinorUnits, optionalMinorUnits } from '../money';
import {
  asList,
  asMap,
  crmLinkId,
  flag,
  optionalDate,
  optionalDateTime,
  optionalInteger,
  optionalString,
  type PortalDateTime,
  requiredInteger,
  toYesNo,
  userFieldsOf,
} from '../normalize';

export interface ContactChannel {
  id: number | null;
  /** WORK, MOBILE, HOME, … */
  valueType: string;
  value: string;
}

export interface ContactLoyalty {
  referrerContactId: number | null;
  referralCode: string | null;
  referralLink: string | null;
  referralCount: number;
  purchaseCount: number;
  /** Percent × 100 (5 % → 500). */
  discountBasisPoints: number | null;
  cashbackBalanceMinor: number | null;
  birthdayWindow: boolean;
  summary: string | null;
}

export interface Contact {
  id: number;
  name: string | null;
  secondName: string | null;
  lastName: string | null;
  /** `YYYY-MM-DD`, the portal's calendar date. */
  birthdate: string | null;
  phones: ContactChannel[];
  emails: ContactChannel[];
  assignedById: number | null;
  sourceId: string | null;
  createdAt: PortalDateTime | null;
  modifiedAt: PortalDateTime | null;
  loyalty: ContactLoyalty;
  userFields: Record<string, unknown>;
}

function parseChannels(value: unknown, path: string): ContactChannel[] {
  return asList(value, path).map((raw, index) => {
    const record = asMap(raw, `${path}[${index}]`);
    return {
      id: optionalInteger(record.ID, `${path}[${index}].ID`),
      valueType: optionalString(record.VALUE_TYPE, `${path}[${index}].VALUE_TYPE`) ?? 'OTHER',
      value: optionalString(record.VALUE, `${path}[${index}].VALUE`) ?? '',
    };
  });
}

/** Basis points are percent with 2 decimals as an integer: the same exact decimal maths as money. */
function basisPoints(value: unknown, path: string): number | null {
  return optionalMinorUnits(value, 2, path);
}

export function parseContact(raw: unknown, path = 'contact'): Contact {
  const record = asMap(raw, path);
  const uf = LOYALTY_FIELDS.contact;
  const field = (name: string): [unknown, string] => [record[name], `${path}.${name}`];
  return {
    id: requiredInteger(record.ID, `${path}.ID`),
    name: optionalString(...field('NAME')) || null,
    secondName: optionalString(...field('SECOND_NAME')) || null,
    lastName: optionalString(...field('LAST_NAME')) || null,
    birthdate: optionalDate(...field('BIRTHDATE')),
    phones: parseChannels(...field('PHONE')),
    emails: parseChannels(...field('EMAIL')),
    assignedById: optionalInteger(...field('ASSIGNED_BY_ID')),
    sourceId: optionalString(...field('SOURCE_ID')) || null,
    createdAt: optionalDateTime(...field('DATE_CREATE')),
    modifiedAt: optionalDateTime(...field('DATE_MODIFY')),
    loyalty: {
      referrerContactId: crmLinkId(record[uf.referrer], 'C', `${path}.${uf.referrer}`),
      referralCode: optionalString(...field(uf.referralCode)) || null,
      referralLink: optionalString(...field(uf.referralLink)) || null,
      referralCount: optionalInteger(...field(uf.referralCount)) ?? 0,
      purchaseCount: optionalInteger(...field(uf.purchaseCount)) ?? 0,
      discountBasisPoints: basisPoints(...field(uf.discountPercent)),
      cashbackBalanceMinor: optionalMinorUnits(record[uf.cashbackBalance], LOYALTY_AMOUNT_FRACTION_DIGITS, `${path}.${uf.cashbackBalance}`),
      birthdayWindow: flag(...field(uf.birthdayWindow)),
      summary: optionalString(...field(uf.summary)) || null,
    },
    userFields: userFieldsOf(record),
  };
}

export interface ContactPatch {
  name?: string;
  lastName?: string;
  /** `YYYY-MM-DD` */
  birthdate?: string | null;
  loyalty?: Partial<ContactLoyalty>;
  /** Other custom fields, in wire format. */
  userFields?: Record<string, unknown>;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function loyaltyToFields(loyalty: Partial<ContactLoyalty>): Record<string, unknown> {
  const uf = LOYALTY_FIELDS.contact;
  const fields: Record<string, unknown> = {};
  const amount = (minor: number | null) => (minor === null ? '' : fromMinorUnits(minor, LOYALTY_AMOUNT_FRACTION_DIGITS));
  // A contact-only crm link takes the bare id.
  if (loyalty.referrerContactId !== undefined) fields[uf.referrer] = loyalty.referrerContactId === null ? '' : String(loyalty.referrerContactId);
  if (loyalty.referralCode !== undefined) fields[uf.referralCode] = loyalty.referralCode ?? '';
  if (loyalty.referralLink !== undefined) fields[uf.referralLink] = loyalty.referralLink ?? '';
  if (loyalty.referralCount !== undefined) fields[uf.referralCount] = loyalty.referralCount;
  if (loyalty.purchaseCount !== undefined) fields[uf.purchaseCount] = loyalty.purchaseCount;
  if (loyalty.discountBasisPoints !== undefined) fields[uf.discountPercent] = loyalty.discountBasisPoints === null ? '' : fromMinorUnits(loyalty.discountBasisPoints, 2);
  if (loyalty.cashbackBalanceMinor !== undefined) fields[uf.cashbackBalance] = amount(loyalty.cashbackBalanceMinor);
  if (loyalty.birthdayWindow !== undefined) fields[uf.birthdayWindow] = toYesNo(loyalty.birthdayWindow);
  if (loyalty.summary !== undefined) fields[uf.summary] = loyalty.summary ?? '';
  return fields;
}

export function contactPatchToFields(patch: ContactPatch): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...patch.userFields, ...loyaltyToFields(patch.loyalty ?? {}) };
  if (patch.name !== undefined) fields.NAME = patch.name;
  if (patch.lastName !== undefined) fields.LAST_NAME = patch.lastName;
  if (patch.birthdate !== undefined) {
    if (patch.birthdate !== null && !DATE_ONLY.test(patch.birthdate)) {
      throw new ValidationError({ method: 'crm.contact.update', code: '', description: 'patch.birthdate: expected YYYY-MM-DD, got a string in another format' });
    }
    fields.BIRTHDATE = patch.birthdate ?? '';
  }
  return fields;
}
