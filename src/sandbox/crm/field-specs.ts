import { type FieldKind } from './wire-values';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** Type name as crm.*.fields reports it. */
  type: string;
  title: string;
  readOnly?: boolean;
  immutable?: boolean;
  multiple?: boolean;
  /** Accepted on write but never returned by get/list (CONTACT_IDS). */
  writeOnly?: boolean;
  statusType?: string;
}

const spec = (name: string, kind: FieldKind, type: string, title: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  kind,
  type,
  title,
  ...extra,
});
const ro = { readOnly: true };

const COMMON_TAIL: FieldSpec[] = [
  spec('ASSIGNED_BY_ID', 'integer', 'user', 'Responsible'),
  spec('CREATED_BY_ID', 'integer', 'user', 'Created by', ro),
  spec('MODIFY_BY_ID', 'integer', 'user', 'Modified by', ro),
  spec('DATE_CREATE', 'datetime', 'datetime', 'Created on', ro),
  spec('DATE_MODIFY', 'datetime', 'datetime', 'Modified on', ro),
  spec('OPENED', 'char', 'char', 'Available to everyone'),
  spec('COMMENTS', 'string', 'string', 'Comment'),
  spec('SOURCE_ID', 'string', 'crm_status', 'Source', { statusType: 'SOURCE' }),
  spec('SOURCE_DESCRIPTION', 'string', 'string', 'Source information'),
  spec('LEAD_ID', 'integer', 'crm_lead', 'Lead'),
  spec('ORIGINATOR_ID', 'string', 'string', 'External source'),
  spec('ORIGIN_ID', 'string', 'string', 'Item ID in data source'),
  spec('UTM_SOURCE', 'string', 'string', 'Ad system'),
  spec('UTM_MEDIUM', 'string', 'string', 'Traffic type'),
  spec('UTM_CAMPAIGN', 'string', 'string', 'Ad campaign UTM'),
  spec('UTM_CONTENT', 'string', 'string', 'Campaign contents'),
  spec('UTM_TERM', 'string', 'string', 'Campaign search term'),
  spec('LAST_ACTIVITY_TIME', 'datetime', 'datetime', 'Last activity', ro),
  spec('LAST_ACTIVITY_BY', 'integer', 'user', 'Last activity by', ro),
];

export const DEAL_FIELDS: FieldSpec[] = [
  spec('ID', 'integer', 'integer', 'ID', ro),
  spec('TITLE', 'string', 'string', 'Name'),
  spec('TYPE_ID', 'string', 'crm_status', 'Type', { statusType: 'DEAL_TYPE' }),
  spec('CATEGORY_ID', 'integer', 'crm_category', 'Pipeline', { immutable: true }),
  spec('STAGE_ID', 'string', 'crm_status', 'Stage', { statusType: 'DEAL_STAGE' }),
  spec('STAGE_SEMANTIC_ID', 'string', 'string', 'Stage group', ro),
  spec('IS_NEW', 'char', 'char', 'New deal', ro),
  spec('IS_RECURRING', 'char', 'char', 'Recurring deal'),
  spec('IS_RETURN_CUSTOMER', 'char', 'char', 'Repeat deal', ro),
  spec('IS_REPEATED_APPROACH', 'char', 'char', 'Repeat inquiry', ro),
  spec('PROBABILITY', 'integer', 'integer', 'Probability'),
  spec('CURRENCY_ID', 'string', 'crm_currency', 'Currency'),
  spec('OPPORTUNITY', 'money', 'double', 'Amount'),
  spec('IS_MANUAL_OPPORTUNITY', 'char', 'char', 'IS_MANUAL_OPPORTUNITY'),
  spec('TAX_VALUE', 'money', 'double', 'Tax rate'),
  spec('COMPANY_ID', 'integer', 'crm_company', 'Company'),
  spec('CONTACT_ID', 'integer', 'crm_contact', 'Contact'),
  spec('CONTACT_IDS', 'integer', 'crm_contact', 'Contacts', { multiple: true, writeOnly: true }),
  spec('QUOTE_ID', 'integer', 'crm_quote', 'Quote', ro),
  spec('BEGINDATE', 'date', 'date', 'Start date'),
  spec('CLOSEDATE', 'date', 'date', 'End date'),
  spec('CLOSED', 'char', 'char', 'Closed'),
  spec('ADDITIONAL_INFO', 'string', 'string', 'Additional information'),
  spec('MOVED_BY_ID', 'integer', 'user', 'Moved by', ro),
  spec('MOVED_TIME', 'datetime', 'datetime', 'Moved on', ro),
  ...COMMON_TAIL,
];

export const CONTACT_FIELDS: FieldSpec[] = [
  spec('ID', 'integer', 'integer', 'ID', ro),
  spec('HONORIFIC', 'string', 'crm_status', 'Salutation', { statusType: 'HONORIFIC' }),
  spec('NAME', 'string', 'string', 'First name'),
  spec('SECOND_NAME', 'string', 'string', 'Second name'),
  spec('LAST_NAME', 'string', 'string', 'Last name'),
  spec('BIRTHDATE', 'date', 'date', 'Date of birth'),
  spec('TYPE_ID', 'string', 'crm_status', 'Contact type', { statusType: 'CONTACT_TYPE' }),
  spec('POST', 'string', 'string', 'Position'),
  spec('EXPORT', 'char', 'char', 'Included in export'),
  spec('HAS_PHONE', 'char', 'char', 'Has phone', ro),
  spec('HAS_EMAIL', 'char', 'char', 'Has email', ro),
  spec('HAS_IMOL', 'char', 'char', 'Has Open Channel', ro),
  spec('COMPANY_ID', 'integer', 'crm_company', 'Company'),
  spec('ORIGIN_VERSION', 'string', 'string', 'Original version'),
  ...COMMON_TAIL,
  spec('PHONE', 'multifield', 'crm_multifield', 'Phone', { multiple: true }),
  spec('EMAIL', 'multifield', 'crm_multifield', 'E-mail', { multiple: true }),
  spec('WEB', 'multifield', 'crm_multifield', 'Website', { multiple: true }),
  spec('IM', 'multifield', 'crm_multifield', 'Messenger', { multiple: true }),
];

export function findSpec(specs: FieldSpec[], name: string): FieldSpec | undefined {
  return specs.find((s) => s.name === name);
}

export function describeSpec(s: FieldSpec): Record<string, unknown> {
  return {
    type: s.type,
    isRequired: false,
    isReadOnly: Boolean(s.readOnly),
    isImmutable: Boolean(s.immutable),
    isMultiple: Boolean(s.multiple),
    isDynamic: false,
    title: s.title,
    ...(s.statusType ? { statusType: s.statusType } : {}),
  };
}
