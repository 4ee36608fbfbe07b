import * as wf from '@temporalio/workflow';
import type { BirthdayActivities } from '../activities/birthday';
import { birthdayWindow, CalendarError, type BirthdayWindow, type Feb29Policy } from '../src/domain/calendar';
import type { Programme } from '../src/domain/programme';
import { rulesFingerprint } from '../src/domain/programme-fingerprint';
import { PROJECTION_RETRY_MS, projectReporting } from './crm-projection';
import { bitrix24Activities } from './activity-options';
import { notifyManagerSafely } from './manager-notice';

export interface BirthdayPolicy {
  timeZone: string;
  daysBefore: number;
  daysAfter: number;
  feb29: Feb29Policy;
}

/** The workflow's policy from the programme: its time zone and birthday rules. */
export function birthdayPolicyOf(programme: Programme): BirthdayPolicy {
  const { daysBefore, daysAfter, feb29 } = programme.birthday;
  return { timeZone: programme.timeZone, daysBefore, daysAfter, feb29 };
}

export interface BirthdayInput {
  portal: string;
  contactId: number;
  /** `YYYY-MM-DD`, or null when the contact has none (the workflow then waits for one). */
  birthdate: string | null;
  /** The policy as of the start; `programmeChangedSignal` replaces it, and the replacement is carried on. */
  policy: BirthdayPolicy;
  /** Carried across continue-as-new. */
  carried?: { projectedActive: boolean | null; history: BirthdayHistoryEntry[] };
}

export interface BirthdayHistoryEntry {
  at: number;
  active: boolean;
  reason: string;
}

export interface BirthdayStatus {
  birthdate: string | null;
  active: boolean;
  /** The window relevant now (current or next), or null without a birthdate. */
  window: BirthdayWindow | null;
  history: BirthdayHistoryEntry[];
}

/** The contact's birthdate changed in the CRM (null: removed). */
export const birthdateChangedSignal = wf.defineSignal<[string | null]>('birthdateChanged');
export const birthdayStatusQuery = wf.defineQuery<BirthdayStatus>('birthdayStatus');
/**
 * The rules changed (a programme rollout): the current window is recomputed at once, opening or closing the discount
 * as the new days before and after say. The same rules again change nothing.
 */
export const programmeChangedSignal = wf.defineSignal<[Programme]>('programmeChanged');

const HISTORY_KEPT = 100;
/** Runs recorded before it kept retrying, hourly and for good, the window flag of a contact deleted from the CRM. */
const ENDS_WITH_CONTACT_PATCH = 'birthday-ends-with-contact';
/** Runs recorded before it never continued as new while retrying a refused write with no birthdate. */
const RETRYING_CONTINUES_PATCH = 'birthday-retrying-continues-as-new';

const crm = bitrix24Activities<BirthdayActivities>();

/**
 * One workflow per contact: sleeps until the birthday window opens, switches the birthday discount on, sleeps
 * until it closes, switches it off, and loops to the next year. A changed birthdate recomputes the timers.
 */
export async function birthday(input: BirthdayInput): Promise<void> {
  let policy = input.policy;
  const usable = (candidate: string | null): string | null => {
    if (candidate === null) return null;
    try {
      birthdayWindow({ birthdate: candidate, ...policy }, Date.now());
      return candidate;
    } catch (error) {
      if (!(error instanceof CalendarError)) throw error;
      wf.log.warn('birthdate ignored: not a valid date', { problem: error.message });
      return null;
    }
  };
  let birthdate = usable(input.birthdate);
  let projectedActive = input.carried?.projectedActive ?? null;
  let changed = false;
  const history: BirthdayHistoryEntry[] = input.carried?.history ?? [];
  const now = (): number => Date.now();
  const currentWindow = (): BirthdayWindow | null =>
    birthdate === null ? null : birthdayWindow({ birthdate, ...policy }, now());

  wf.setHandler(birthdateChangedSignal, (next) => {
    const valid = usable(next);
    if (valid === birthdate) return;
    birthdate = valid;
    changed = true;
  });
  wf.setHandler(programmeChangedSignal, (programme) => {
    const next = birthdayPolicyOf(programme);
    if (rulesFingerprint(next) === rulesFingerprint(policy)) return;
    policy = next;
    changed = true;
  });
  wf.setHandler(birthdayStatusQuery, () => ({ birthdate, active: projectedActive === true, window: currentWindow(), history }));

  /** Set when the contact is gone from the CRM: a birthday discount for no one ends the workflow. */
  let contactGone = false;

  /** Returns false when the CRM refused the write; the loop then tries again later. */
  async function project(active: boolean, reason: string): Promise<boolean> {
    if (projectedActive === active) return true;
    const outcome = await projectReporting(() => crm.projectBirthdayWindow({ portal: input.portal, contactId: input.contactId, active }));
    if (outcome === 'gone' && wf.patched(ENDS_WITH_CONTACT_PATCH)) contactGone = true;
    if (outcome !== 'written') return false;
    projectedActive = active;
    history.push({ at: now(), active, reason });
    return true;
  }

  for (;;) {
    changed = false;
    const window = currentWindow();
    if (window === null) {
      const written = await project(false, 'no birthdate on the contact');
      if (contactGone) return;
      if (written) await wf.condition(() => changed);
      else await wf.condition(() => changed, PROJECTION_RETRY_MS);
      // A write refused for good retries hourly: without this, months of retries would outgrow the history.
      if (wf.workflowInfo().continueAsNewSuggested && wf.patched(RETRYING_CONTINUES_PATCH)) await continueIfQuiet();
      continue;
    }
    const inside = window.start <= now();
    const opening = inside && projectedActive !== true;
    const written = await project(inside, inside ? 'birthday window open' : 'birthday window closed');
    if (contactGone) return;
    if (written && opening) await notifyManagerSafely(input.portal, { kind: 'birthdayWindowOpen', contactId: input.contactId, season: window.year });
    const boundary = inside ? window.end : window.start;
    const wakeAt = written ? boundary : Math.min(boundary, now() + PROJECTION_RETRY_MS);
    // Timer summaries are visible to ops: no birthdate in them.
    const summary = inside ? 'birthday window closes' : 'birthday window opens';
    await wf.condition(() => changed, Math.max(wakeAt - now(), 1), { summary });

    // A year is a few dozen history events; continue-as-new keeps decades bounded.
    if (wf.workflowInfo().continueAsNewSuggested) await continueIfQuiet();
  }

  async function continueIfQuiet(): Promise<void> {
    if (changed) return;
    const carried = { projectedActive, history: history.slice(-HISTORY_KEPT) };
    await wf.continueAsNew<typeof birthday>({ ...input, policy, birthdate, carried });
  }
}
