import { command, type Command } from '../command';
import { type UserFieldDefinition } from '../loyalty-fields';
import { toYesNo } from '../normalize';
import { parseUserField, type UserField } from '../shapes/user-field';
import { parseId, parseRows } from './parse';

export type UserFieldEntity = 'contact' | 'deal';

function definitionToFields(definition: UserFieldDefinition): Record<string, unknown> {
  return {
    FIELD_NAME: definition.fieldName,
    USER_TYPE_ID: definition.userTypeId,
    XML_ID: definition.fieldName,
    LABEL: definition.label,
    EDIT_FORM_LABEL: definition.label,
    LIST_COLUMN_LABEL: definition.label,
    LIST_FILTER_LABEL: definition.label,
    MULTIPLE: toYesNo(definition.multiple ?? false),
    SHOW_FILTER: 'Y',
    SHOW_IN_LIST: 'Y',
    ...(definition.settings === undefined ? {} : { SETTINGS: definition.settings }),
  };
}

/** `crm.contact.userfield.*` and `crm.deal.userfield.*`. */
export const userFields = {
  add(entity: UserFieldEntity, definition: UserFieldDefinition): Command<number> {
    return command(`crm.${entity}.userfield.add`, { fields: definitionToFields(definition) }, parseId);
  },

  list(entity: UserFieldEntity, filter: Record<string, unknown> = {}): Command<UserField[]> {
    return command(`crm.${entity}.userfield.list`, { filter, order: { ID: 'ASC' } }, (result) => parseRows(result, parseUserField));
  },
};
