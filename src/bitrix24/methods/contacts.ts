import { command, type Command, type IdOrReference, type Page } from '../command';
import { contactPatchToFields, parseContact, type Contact, type ContactPatch } from '../shapes/contact';
import { listParams, type ListParams } from './list-params';
import { parsePage, parseTrue } from './parse';

/** Multifields only come when named explicitly. */
export const CONTACT_DEFAULT_SELECT = ['*', 'UF_*', 'PHONE', 'EMAIL'];

export const contacts = {
  get(id: IdOrReference): Command<Contact> {
    return command('crm.contact.get', { id }, (result) => parseContact(result, 'result'));
  },

  list(params: ListParams = {}): Command<Page<Contact>> {
    return command('crm.contact.list', listParams({ select: CONTACT_DEFAULT_SELECT, ...params }), (result, page) =>
      parsePage(result, page, parseContact),
    );
  },

  update(id: IdOrReference, patch: ContactPatch): Command<true> {
    return command('crm.contact.update', { id, fields: contactPatchToFields(patch) }, parseTrue);
  },
};
