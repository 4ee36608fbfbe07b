import type { Programme } from '../domain/programme';
import type { SandboxPortal } from '../sandbox';
import type { ScriptedDeal, ScriptedPerson } from './cast';

/**
 * A sales manager working in the sandbox CRM: every change is a user action that fires the portal's outgoing events,
 * exactly as if it had been made in the Bitrix24 interface. The story never talks to the engine any other way.
 */
export class CrmUser {
  constructor(
    private readonly crm: SandboxPortal,
    private readonly programme: Programme,
  ) {}

  addContact(person: ScriptedPerson, fields: Record<string, unknown> = {}): number {
    return this.crm.contacts.add({
      NAME: person.firstName,
      LAST_NAME: person.lastName,
      EMAIL: [{ VALUE: person.email, VALUE_TYPE: 'WORK' }],
      ...fields,
    });
  }

  /** A new deal for one customer with its products, in the given pipeline and stage. */
  addDeal(deal: ScriptedDeal, where: { contactId: number; pipelineId: number; stageId: string; fields?: Record<string, unknown> }): number {
    const dealId = this.crm.deals.add({
      TITLE: deal.title,
      CATEGORY_ID: where.pipelineId,
      STAGE_ID: where.stageId,
      CURRENCY_ID: this.programme.currency,
      CONTACT_IDS: [where.contactId],
      ...where.fields,
    });
    this.crm.deals.setProductRows(
      dealId,
      deal.rows.map((row) => ({ PRODUCT_ID: row.productId, PRODUCT_NAME: row.name, PRICE: row.price, QUANTITY: row.quantity })),
    );
    return dealId;
  }

  moveDeal(dealId: number, stageId: string): void {
    this.crm.deals.setStage(dealId, stageId);
  }
}
