import { LOYALTY_AMOUNT_FRACTION_DIGITS, LOYALTY_FIELDS } from '../loyalty-fields';
import { currencyFractionDigits, fromMinorUnits, optionalMinorUnits } from '../money';
import {
  asMap,
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
import { parseStageSemantic, type StageSemantic } from './stage';

export interface DealLoyalty {
  status: string | null;
  appliedDiscounts: string | null;
  cashbackToRedeemMinor: number | null;
}

export interface Deal {
  id: number;
  title: string;
  /** Pipeline id; 0 is the default pipeline. */
  categoryId: number;
  /** `WON` in pipeline 0, `C{n}:WON` elsewhere: compare `stageSemantic`, not the literal. */
  stageId: string;
  stageSemantic: StageSemantic | null;
  closed: boolean;
  currencyId: string | null;
  opportunityMinor: number | null;
  isManualOpportunity: boolean;
  primaryContactId: number | null;
  companyId: number | null;
  assignedById: number | null;
  createdAt: PortalDateTime | null;
  modifiedAt: PortalDateTime | null;
  /** The last stage change (MOVED_TIME): for a deal in its won stage, when it was won. */
  movedAt: PortalDateTime | null;
  closeDate: string | null;
  /** External-system key, usable as an idempotency key for deals we create. */
  originId: string | null;
  loyalty: DealLoyalty;
  /** Every `UF_*` value as sent (empty maps fixed). */
  userFields: Record<string, unknown>;
}

function positiveId(value: unknown, path: string): number | null {
  const id = optionalInteger(value, path);
  return id === null || id <= 0 ? null : id;
}

export function parseDeal(raw: unknown, path = 'deal'): Deal {
  const record = asMap(raw, path);
  const currencyId = optionalString(record.CURRENCY_ID, `${path}.CURRENCY_ID`) || null;
  const digits = currencyFractionDigits(currencyId);
  const uf = LOYALTY_FIELDS.deal;
  return {
    id: requiredInteger(record.ID, `${path}.ID`),
    title: optionalString(record.TITLE, `${path}.TITLE`) ?? '',
    categoryId: optionalInteger(record.CATEGORY_ID, `${path}.CATEGORY_ID`) ?? 0,
    stageId: optionalString(record.STAGE_ID, `${path}.STAGE_ID`) ?? '',
    stageSemantic: parseStageSemantic(record.STAGE_SEMANTIC_ID),
    closed: flag(record.CLOSED, `${path}.CLOSED`),
    currencyId,
    opportunityMinor: optionalMinorUnits(record.OPPORTUNITY, digits, `${path}.OPPORTUNITY`),
    isManualOpportunity: flag(record.IS_MANUAL_OPPORTUNITY, `${path}.IS_MANUAL_OPPORTUNITY`),
    primaryContactId: positiveId(record.CONTACT_ID, `${path}.CONTACT_ID`),
    companyId: positiveId(record.COMPANY_ID, `${path}.COMPANY_ID`),
    assignedById: positiveId(record.ASSIGNED_BY_ID, `${path}.ASSIGNED_BY_ID`),
    createdAt: optionalDateTime(record.DATE_CREATE, `${path}.DATE_CREATE`),
    modifiedAt: optionalDateTime(record.DATE_MODIFY, `${path}.DATE_MODIFY`),
    movedAt: optionalDateTime(record.MOVED_TIME, `${path}.MOVED_TIME`),
    closeDate: optionalDate(record.CLOSEDATE, `${path}.CLOSEDATE`),
    originId: optionalString(record.ORIGIN_ID, `${path}.ORIGIN_ID`) || null,
    loyalty: {
      status: optionalString(record[uf.status], `${path}.${uf.status}`) || null,
      appliedDiscounts: optionalString(record[uf.appliedDiscounts], `${path}.${uf.appliedDiscounts}`) || null,
      cashbackToRedeemMinor: optionalMinorUnits(record[uf.cashbackToRedeem], LOYALTY_AMOUNT_FRACTION_DIGITS, `${path}.${uf.cashbackToRedeem}`),
    },
    userFields: userFieldsOf(record),
  };
}

/** Typed changes to a deal; only present keys are sent. */
export interface DealPatch {
  title?: string;
  /** Stage within the deal's current pipeline (pipeline moves need crm.item.update). */
  stageId?: string;
  /** With a currency's minor units; sets IS_MANUAL_OPPORTUNITY=Y so product rows don't recompute it. */
  opportunity?: { minor: number; currencyId: string };
  comments?: string;
  loyalty?: Partial<DealLoyalty>;
  /** Other custom fields, in wire format. */
  userFields?: Record<string, unknown>;
}

export function dealPatchToFields(patch: DealPatch): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...patch.userFields };
  if (patch.title !== undefined) fields.TITLE = patch.title;
  if (patch.stageId !== undefined) fields.STAGE_ID = patch.stageId;
  if (patch.comments !== undefined) fields.COMMENTS = patch.comments;
  if (patch.opportunity !== undefined) {
    const { minor, currencyId } = patch.opportunity;
    fields.OPPORTUNITY = fromMinorUnits(minor, currencyFractionDigits(currencyId));
    fields.CURRENCY_ID = currencyId;
    fields.IS_MANUAL_OPPORTUNITY = toYesNo(true);
  }
  const loyalty = patch.loyalty ?? {};
  const uf = LOYALTY_FIELDS.deal;
  if (loyalty.status !== undefined) fields[uf.status] = loyalty.status ?? '';
  if (loyalty.appliedDiscounts !== undefined) fields[uf.appliedDiscounts] = loyalty.appliedDiscounts ?? '';
  if (loyalty.cashbackToRedeemMinor !== undefined) {
    fields[uf.cashbackToRedeem] = loyalty.cashbackToRedeemMinor === null ? '' : fromMinorUnits(loyalty.cashbackToRedeemMinor, LOYALTY_AMOUNT_FRACTION_DIGITS);
  }
  return fields;
}

export interface DealContactBinding {
  contactId: number;
  sort: number;
  roleId: number;
  isPrimary: boolean;
}

export function parseDealContactBinding(raw: unknown, path: string): DealContactBinding {
  const record = asMap(raw, path);
  return {
    contactId: requiredInteger(record.CONTACT_ID, `${path}.CONTACT_ID`),
    sort: optionalInteger(record.SORT, `${path}.SORT`) ?? 0,
    roleId: optionalInteger(record.ROLE_ID, `${path}.ROLE_ID`) ?? 0,
    isPrimary: flag(record.IS_PRIMARY, `${path}.IS_PRIMARY`),
  };
}
