import type { Client } from '@temporalio/client';
import { type Bitrix24Client, contacts, NotFoundError } from '../src/bitrix24';
import type { Programme } from '../src/domain/programme';
import { referralCodeFor, referralLink } from '../src/domain/referral-code';
import { contactWorkflowId } from '../src/temporal/workflow-ids';
import { birthdateChangedSignal, birthday } from '../workflows/birthday';
import { toApplicationFailure, withBitrix24Failures } from './bitrix24-failure';
import { signalIfRunning } from '../src/temporal/workflow-messages';
import { customerSearchAttributes } from './customer-workflows';

/** What the contact workflow acts on, read once per burst of contact events. */
export interface ContactFacts {
  contactId: number;
  referrerContactId: number | null;
  referralCode: string | null;
  /** Absent in histories from before the link field. */
  referralLink?: string | null;
  birthdate: string | null;
  /** The code (and link) this contact should carry, or null while the referral programme is off. */
  assignedReferral: { code: string; link: string | null } | null;
}

export type BirthdateForwarding = 'forwarded' | 'not-running' | 'programme-off';

export interface ContactActivities {
  /** Null when the contact no longer exists. */
  readContactFacts(request: { portal: string; contactId: number }): Promise<ContactFacts | null>;
  /**
   * The code and its link (null clears the field; absent, as scheduled by runs from before the link field, leaves it
   * alone): absolute values, so a retry is harmless.
   */
  writeReferralCode(request: { portal: string; contactId: number; code: string; link?: string | null }): Promise<void>;
  /** A birthdate that appears starts the contact's birthday workflow; a change or removal is signalled to it. */
  forwardBirthdate(request: { portal: string; contactId: number; birthdate: string | null }): Promise<BirthdateForwarding>;
}

export interface ContactActivityDeps {
  bitrix: Bitrix24Client;
  client: Client;
  taskQueue: string;
  programme: Programme;
}

export function createContactActivities(deps: ContactActivityDeps): ContactActivities {
  const { bitrix, client, taskQueue, programme } = deps;

  function assignedReferral(portal: string, contactId: number): ContactFacts['assignedReferral'] {
    if (!programme.referral.enabled) return null;
    // The portal key salts the code: codes differ between portals and need no extra secret (they are not secrets).
    const code = referralCodeFor(String(contactId), portal);
    return { code, link: programme.referral.linkTemplate === null ? null : referralLink(programme.referral.linkTemplate, code) };
  }

  return {
    async readContactFacts({ portal, contactId }) {
      try {
        const contact = await bitrix.run(contacts.get(contactId));
        return {
          contactId,
          referrerContactId: contact.loyalty.referrerContactId,
          referralCode: contact.loyalty.referralCode,
          referralLink: contact.loyalty.referralLink,
          birthdate: contact.birthdate,
          assignedReferral: assignedReferral(portal, contactId),
        };
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw toApplicationFailure(error);
      }
    },

    async writeReferralCode({ contactId, code, link }) {
      const loyalty = link === undefined ? { referralCode: code } : { referralCode: code, referralLink: link };
      await withBitrix24Failures(() => bitrix.run(contacts.update(contactId, { loyalty })));
    },

    async forwardBirthdate({ portal, contactId, birthdate }) {
      const workflowId = contactWorkflowId(portal, 'birthday', contactId);
      if (birthdate === null) return (await signalIfRunning(client, workflowId, birthdateChangedSignal, null)) ? 'forwarded' : 'not-running';
      if (!programme.birthday.enabled) return 'programme-off';
      const { timeZone, birthday: rules } = programme;
      await client.workflow.signalWithStart(birthday, {
        workflowId,
        taskQueue,
        args: [{ portal, contactId, birthdate, policy: { timeZone, daysBefore: rules.daysBefore, daysAfter: rules.daysAfter, feb29: rules.feb29 } }],
        typedSearchAttributes: customerSearchAttributes(portal, contactId, 'birthday'),
        signal: birthdateChangedSignal,
        signalArgs: [birthdate],
      });
      return 'forwarded';
    },
  };
}
