import * as wf from '@temporalio/workflow';
import type { CrmCommentActivities } from '../activities/bonus';
import type { ContactActivities, ContactFacts } from '../activities/contact';
import type { ReferralActivities } from '../activities/referral';
import { bitrix24Activities, WORKFLOW_MESSAGE } from './activity-options';
import { crmEventSignal, type CrmEventNotice } from './crm-event';
import { projectSafely } from './crm-projection';

export interface ContactInput {
  portal: string;
  contactId: number;
  /** Carried across continue-as-new. */
  carried?: ContactMemory;
}

/** What this workflow already acted on, so an unchanged field is not acted on again. */
export interface ContactMemory {
  referrerId: number | null;
  birthdate: string | null;
  history: ContactHistoryEntry[];
}

export interface ContactHistoryEntry {
  at: number;
  event:
    | 'referral-code-assigned'
    | 'referral-code-not-written'
    | 'referral-link-written'
    | 'referrer-linked'
    | 'referrer-rejected'
    | 'referrer-unchanged'
    | 'referrer-failed'
    | 'referrer-cleared'
    | 'birthdate-forwarded'
    | 'deleted';
  reason: string;
}

export const contactStatusQuery = wf.defineQuery<ContactMemory>('contactStatus');

/** Bitrix24 sends several update events per user action: gather them before reading the contact once. */
const COALESCE_WINDOW = '2 seconds';
/** Everything this workflow remembers can be read again from the CRM and the other workflows: it ends when idle. */
const IDLE_LIFETIME = '7 days';
const HISTORY_KEPT = 100;
/** The referral link field (issue #5): histories from before it compared and wrote the code only. */
const REFERRAL_LINK_PATCH = 'contact-referral-link';

const crm = bitrix24Activities<ContactActivities & CrmCommentActivities>();
const referrals = wf.proxyActivities<ReferralActivities>(WORKFLOW_MESSAGE);
const customers = wf.proxyActivities<Pick<ContactActivities, 'forwardBirthdate'>>(WORKFLOW_MESSAGE);

/**
 * One workflow per contact, woken by CRM contact event notices (which carry only the id): re-reads the contact and
 * turns what changed into the programme's actions — a referral code for every contact, a referrer link decided by
 * the referrer's referral workflow, a birthdate for the birthday workflow, and the end of the contact's referral
 * workflow when the contact is deleted.
 */
export async function contact(input: ContactInput): Promise<ContactMemory> {
  const memory: ContactMemory = input.carried ?? { referrerId: null, birthdate: null, history: [] };
  const notices: CrmEventNotice[] = [];
  wf.setHandler(crmEventSignal, (notice) => void notices.push(notice));
  wf.setHandler(contactStatusQuery, () => memory);

  const record = (event: ContactHistoryEntry['event'], reason: string): void => {
    memory.history.push({ at: Date.now(), event, reason });
    if (memory.history.length > HISTORY_KEPT) memory.history.shift();
  };
  const { portal, contactId } = input;

  async function assignReferralCode(facts: ContactFacts): Promise<void> {
    const assigned = facts.assignedReferral;
    if (assigned === null) return;
    const codeChanged = facts.referralCode !== assigned.code;
    const linkChanged = wf.patched(REFERRAL_LINK_PATCH) && (facts.referralLink ?? null) !== assigned.link;
    if (!codeChanged && !linkChanged) return;
    if (!(await projectSafely(() => crm.writeReferralCode({ portal, contactId, code: assigned.code, link: assigned.link })))) {
      record('referral-code-not-written', 'the CRM refused the referral code; the next contact event tries again');
      return;
    }
    if (!codeChanged) {
      record('referral-link-written', assigned.link === null ? 'referral link cleared' : `referral link ${assigned.link}`);
      return;
    }
    const link = assigned.link === null ? '' : ` Referral link: ${assigned.link}`;
    await projectSafely(async () => void (await crm.commentOnContact({ portal, contactId, text: `Referral code ${assigned.code}.${link}`, reference: `loyalty:referral-code:${contactId}` })));
    record('referral-code-assigned', `referral code ${assigned.code}`);
  }

  async function followReferrer(referrerId: number | null): Promise<void> {
    if (referrerId === memory.referrerId) return;
    memory.referrerId = referrerId;
    if (referrerId === null) {
      record('referrer-cleared', 'the referrer field was cleared; an accepted referral stays recorded with the referrer');
      return;
    }
    try {
      const outcome = await referrals.linkReferrer({ portal, referredId: contactId, referrerId, at: Date.now() });
      const event = outcome.kind === 'linked' ? 'referrer-linked' : outcome.kind === 'unchanged' ? 'referrer-unchanged' : 'referrer-rejected';
      record(event, outcome.reason);
    } catch (error) {
      if (!(error instanceof wf.ActivityFailure)) throw error;
      record('referrer-failed', `referrer ${referrerId}: ${error.cause?.message ?? error.message}`);
    }
  }

  async function followBirthdate(birthdate: string | null): Promise<void> {
    if (birthdate === memory.birthdate) return;
    memory.birthdate = birthdate;
    const forwarding = await customers.forwardBirthdate({ portal, contactId, birthdate });
    // Timeline-free and date-free: the history is visible to ops, the birthdate is personal data.
    record('birthdate-forwarded', `birthdate ${birthdate === null ? 'removed' : 'changed'}: ${forwarding}`);
  }

  for (;;) {
    const wake = (): boolean => notices.length > 0 || wf.workflowInfo().continueAsNewSuggested;
    if (!(await wf.condition(wake, IDLE_LIFETIME))) return memory;
    if (notices.length > 0) {
      await wf.sleep(COALESCE_WINDOW);
      notices.splice(0);
      const facts = await crm.readContactFacts({ portal, contactId });
      if (facts === null) {
        await referrals.closeReferral({ portal, contactId });
        record('deleted', 'contact deleted in the CRM');
        return memory;
      }
      await assignReferralCode(facts);
      await followReferrer(facts.referrerContactId);
      await followBirthdate(facts.birthdate);
    }
    if (wf.workflowInfo().continueAsNewSuggested && notices.length === 0) {
      await wf.condition(wf.allHandlersFinished);
      await wf.continueAsNew<typeof contact>({ ...input, carried: memory });
    }
  }
}
