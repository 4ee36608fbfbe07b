import { asMap, flag, optionalString, requiredInteger } from '../normalize';

export interface UserField {
  id: number;
  /** `UF_CRM_…` */
  fieldName: string;
  userTypeId: string;
  entityId: string;
  multiple: boolean;
  mandatory: boolean;
  xmlId: string | null;
  settings: Record<string, unknown>;
}

export function parseUserField(raw: unknown, path: string): UserField {
  const record = asMap(raw, path);
  return {
    id: requiredInteger(record.ID, `${path}.ID`),
    fieldName: optionalString(record.FIELD_NAME, `${path}.FIELD_NAME`) ?? '',
    userTypeId: optionalString(record.USER_TYPE_ID, `${path}.USER_TYPE_ID`) ?? '',
    entityId: optionalString(record.ENTITY_ID, `${path}.ENTITY_ID`) ?? '',
    multiple: flag(record.MULTIPLE, `${path}.MULTIPLE`),
    mandatory: flag(record.MANDATORY, `${path}.MANDATORY`),
    xmlId: optionalString(record.XML_ID, `${path}.XML_ID`) || null,
    settings: asMap(record.SETTINGS, `${path}.SETTINGS`),
  };
}
