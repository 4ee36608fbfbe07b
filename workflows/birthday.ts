import * as wf from '@temporalio/workflow';
import type { BirthdayActivities } from '../activities/birthday';
import { birthdayWindow, type BirthdayWindow, type Feb29Policy } from '../src/domain/calendar';

export interface BirthdayPolicy {
  timeZone: string;
  daysBefore: number;
  daysAfter: number;
  feb29: Feb29Policy;
}

export interface BirthdayInput {
  portal: string;
  contactId: number;
  /** `YYYY-MM-DD`, or null when the contact has none (the workflow then waits for one). */
  birthdate: string | null;
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

const HISTORY_KEPT = 100;

const crm = wf.proxyActivities<BirthdayActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});

/**
 * One workflow per contact: sleeps until the birthday window opens, switches the birthday discount on, sleeps
 * until it closes, switches it off, and loops to the next year. A changed birthdate recomputes the timers.
 */
export async function birthday(input: BirthdayInput): Promise<void> {
  let birthdate = input.birthdate;
  let projectedActive = input.carried?.projectedActive ?? null;
  let changed = false;
  const history: BirthdayHistoryEntry[] = input.carried?.history ?? [];
  const now = (): number => Date.now();
  const currentWindow = (): BirthdayWindow | null =>
    birthdate === null ? null : birthdayWindow({ birthdate, ...input.policy }, now());

  wf.setHandler(birthdateChangedSignal, (next) => {
    if (next === birthdate) return;
    birthdate = next;
    changed = true;
  });
  wf.setHandler(birthdayStatusQuery, () => ({ birthdate, active: projectedActive === true, window: currentWindow(), history }));

  async function project(active: boolean, reason: string): Promise<void> {
    if (projectedActive === active) return;
    await crm.projectBirthdayWindow({ portal: input.portal, contactId: input.contactId, active });
    projectedActive = active;
    history.push({ at: now(), active, reason });
  }

  for (;;) {
    changed = false;
    const window = currentWindow();
    if (window === null) {
      await project(false, 'no birthdate on the contact');
      await wf.condition(() => changed);
      continue;
    }
    const inside = window.start <= now();
    await project(inside, inside ? `birthday window ${window.birthday} open` : `birthday window ${window.birthday} closed`);
    const wakeAt = inside ? window.end : window.start;
    const summary = inside ? `birthday window closes (${window.birthday})` : `birthday window opens (${window.birthday})`;
    await wf.condition(() => changed, Math.max(wakeAt - now(), 1), { summary });

    // A year is a few dozen history events; continue-as-new keeps decades bounded.
    if (!changed && wf.workflowInfo().continueAsNewSuggested) {
      const carried = { projectedActive, history: history.slice(-HISTORY_KEPT) };
      await wf.continueAsNew<typeof birthday>({ ...input, birthdate, carried });
    }
  }
}
