import type { Client } from '@temporalio/client';
import { parseContact, type Contact } from '../bitrix24/shapes/contact';
import { parseDeal, type Deal } from '../bitrix24/shapes/deal';
import type { SandboxPortal } from '../sandbox';
import { contactWorkflowId } from '../temporal/workflow-ids';
import { birthdayStatusQuery } from '../../workflows/birthday';
import { referralStatusQuery, type ReferralView } from '../../workflows/referral';

/**
 * What the story looks at to see the engine's effects: the CRM records as a manager sees them (read from the sandbox
 * directly, so polling costs the engine none of the portal's request budget) and the customers' workflows as ops
 * query them. Reads throw while something is not there yet; the story's waits treat that as "not yet".
 */
export class CrmView {
  constructor(
    private readonly crm: SandboxPortal,
    private readonly client: Client,
    private readonly portal: string,
  ) {}

  contact(contactId: number): Contact {
    const wire = this.crm.contacts.get(contactId);
    if (wire === undefined) throw new Error(`contact ${contactId} is not in the CRM`);
    return parseContact(wire);
  }

  deal(dealId: number): Deal {
    const wire = this.crm.deals.get(dealId);
    if (wire === undefined) throw new Error(`deal ${dealId} is not in the CRM`);
    return parseDeal(wire);
  }

  dealComments(dealId: number): string[] {
    return this.crm.timeline.list('deal', dealId).map((comment) => String(comment.COMMENT));
  }

  contactComments(contactId: number): string[] {
    return this.crm.timeline.list('contact', contactId).map((comment) => String(comment.COMMENT));
  }

  referral(contactId: number): Promise<ReferralView> {
    return this.client.workflow.getHandle(contactWorkflowId(this.portal, 'referral', contactId)).query(referralStatusQuery);
  }

  async birthdayWindowOpen(contactId: number): Promise<boolean> {
    return (await this.client.workflow.getHandle(contactWorkflowId(this.portal, 'birthday', contactId)).query(birthdayStatusQuery)).active;
  }
}
