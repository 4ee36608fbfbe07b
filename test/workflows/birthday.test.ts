import { DateTime } from 'luxon';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationActivities } from '../../activities/notify';
import { loadProgramme } from '../../src/config/load-programme';
import { createBirthdayActivities } from '../../activities/birthday';
import { contacts } from '../../src/bitrix24';
import { birthday, birthdateChangedSignal, birthdayStatusQuery, type BirthdayPolicy } from '../../workflows/birthday';
import { startTestbed, type Testbed } from '../helpers/testbed';
import { recordHistory } from '../helpers/histories';

const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const policy: BirthdayPolicy = { timeZone: 'Europe/Moscow', daysBefore: 7, daysAfter: 7, feb29: 'mar1' };

describe('birthday workflow (time-skipping server)', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({ label: 'birthday', server: 'time-skipping', activities: ({ bitrix }) => ({ ...createBirthdayActivities(bitrix), ...createNotificationActivities({ bitrix, programme }) }) });
  });
  afterAll(async () => bed?.stop());

  const flagInCrm = async (contactId: number): Promise<boolean> => (await bed.bitrix.run(contacts.get(contactId))).loyalty.birthdayWindow;
  const localMidnight = (date: DateTime): number => date.startOf('day').toMillis();

  it('turns the discount on 7 days before the birthday and off 7 days after, every year, and follows a changed birthdate', async () => {
    const { env, sandbox, taskQueue } = bed;
    const contactId = sandbox.portal.contacts.ids()[0]!;
    const today = DateTime.fromMillis(await env.currentTimeMs(), { zone: policy.timeZone });
    const birthdayThisYear = today.plus({ days: 40 });
    const birthdate = birthdayThisYear.set({ year: 1990 }).toISODate()!;
    const handle = await env.client.workflow.start(birthday, {
      taskQueue,
      workflowId: `loyalty/test/birthday/contact-${contactId}`,
      args: [{ portal: taskQueue, contactId, birthdate, policy }],
    });

    const opens = localMidnight(birthdayThisYear.minus({ days: 7 }));
    const closes = localMidnight(birthdayThisYear.plus({ days: 8 }));
    const skipTo = async (instant: number) => env.sleep(instant - (await env.currentTimeMs()));

    await skipTo(opens - HOUR);
    expect(await flagInCrm(contactId)).toBe(false);
    await skipTo(opens + HOUR);
    expect(await flagInCrm(contactId)).toBe(true);
    await skipTo(closes - HOUR);
    expect(await flagInCrm(contactId)).toBe(true);
    await skipTo(closes + HOUR);
    expect(await flagInCrm(contactId)).toBe(false);

    // Next year's window opens again without anyone touching the workflow.
    const nextYear = birthdayThisYear.plus({ years: 1 });
    await skipTo(localMidnight(nextYear.minus({ days: 7 })) + HOUR);
    expect(await flagInCrm(contactId)).toBe(true);

    // The manager corrects the birthdate to one two months away: the discount goes off now, on again later.
    const corrected = DateTime.fromMillis(await env.currentTimeMs(), { zone: policy.timeZone }).plus({ days: 60 });
    await handle.signal(birthdateChangedSignal, corrected.set({ year: 1991 }).toISODate()!);
    await env.sleep(HOUR);
    expect(await flagInCrm(contactId)).toBe(false);
    await skipTo(localMidnight(corrected.minus({ days: 7 })) + HOUR);
    expect(await flagInCrm(contactId)).toBe(true);

    // Birthdate removed: off, and it stays off.
    await handle.signal(birthdateChangedSignal, null);
    await env.sleep(400 * DAY);
    expect(await flagInCrm(contactId)).toBe(false);

    const status = await handle.query(birthdayStatusQuery);
    expect(status.history.map((h) => h.active)).toEqual([false, true, false, true, false, true, false]);
    expect(status.history.at(-1)?.reason).toBe('no birthdate on the contact');
    await recordHistory(handle, 'birthday-year');
  });

  it('ends when the contact is gone from the CRM, instead of retrying its flag every hour for good', async () => {
    const { env, sandbox, taskQueue } = bed;
    const contactId = sandbox.portal.contacts.add({ NAME: 'Leaving' });
    const today = DateTime.fromMillis(await env.currentTimeMs(), { zone: policy.timeZone });
    const birthdayThisYear = today.plus({ days: 20 });
    const handle = await env.client.workflow.start(birthday, {
      taskQueue,
      workflowId: `loyalty/test/birthday/contact-${contactId}`,
      args: [{ portal: taskQueue, contactId, birthdate: birthdayThisYear.set({ year: 1985 }).toISODate()!, policy }],
    });
    await env.sleep(HOUR);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    sandbox.portal.contacts.delete(contactId);
    // The window opens: its flag cannot be written to a contact that no longer exists.
    await env.sleep(localMidnight(birthdayThisYear.minus({ days: 7 })) + HOUR - (await env.currentTimeMs()));
    await handle.result();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    await recordHistory(handle, 'birthday-contact-gone');
  });
});
