import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { grantBonus } from '../../src/admin/grant-bonus';
import { loadProgramme } from '../../src/config/load-programme';
import { lotExpiry } from '../../src/domain/calendar';
import { bitrix24TaskQueue } from '../../src/temporal/task-queues';
import { type Programme } from '../../src/domain/programme';
import { contactWorkflowId } from '../../src/temporal/workflow-ids';
import { birthday, type BirthdayPolicy } from '../../workflows/birthday';
import { cashback, dealWonSignal, type CashbackPolicy } from '../../workflows/cashback';
import { linkReferredUpdate, referral, referredDealWonSignal } from '../../workflows/referral';
import { noticesIn } from '../helpers/notices';
import { eventually } from '../helpers/temporal';
import { startTestbed, type Testbed } from '../helpers/testbed';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZONE = 'Europe/Moscow';
const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

function managerOf(bed: Testbed, contactId: number): number {
  return Number(bed.sandbox.portal.contacts.get(contactId)?.ASSIGNED_BY_ID);
}

function startBed(server: 'dev' | 'time-skipping'): Promise<Testbed> {
  return startTestbed({
    label: 'notifications',
    server,
    activities: ({ bitrix, env, taskQueue }) => createActivities({ bitrix, temporal: env.client, programme, taskQueue }),
  });
}

describe('manager notifications from customer workflows (time-skipping server)', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startBed('time-skipping');
  });
  afterAll(async () => bed?.stop());

  const notices = (contactId: number, kind: string) => noticesIn(bed, contactId, kind);
  const manager = (contactId: number) => managerOf(bed, contactId);
  const skipTo = async (instant: number) => bed.env.sleep(Math.max(instant - (await bed.env.currentTimeMs()), 1));

  it('tells the manager of accrued cashback, and reminds once, 3 days before the lot expires', async () => {
    const { env, sandbox, taskQueue } = bed;
    const contactId = sandbox.portal.contacts.ids()[0]!;
    const policy: CashbackPolicy = { timeZone: ZONE, expiryDays: 10, pendingDays: 0, reset: null, clawback: 'debt', retentionDays: 400, reminderDaysBeforeExpiry: 3 };
    await env.client.workflow.start(cashback, {
      taskQueue,
      workflowId: contactWorkflowId(taskQueue, 'cashback', contactId),
      args: [{ portal: taskQueue, contactId, policy }],
    });
    const wonAt = await env.currentTimeMs();
    const handle = env.client.workflow.getHandle(contactWorkflowId(taskQueue, 'cashback', contactId));
    await handle.signal(dealWonSignal, { dealId: 41, cashbackMinor: 1_250_00, wonAt, reason: 'cashback 5 % of deal 41' });

    await eventually(async () => (await notices(contactId, 'cashbackAccrued')).length === 1);
    const [accrued] = await notices(contactId, 'cashbackAccrued');
    expect(accrued).toMatchObject({ userId: manager(contactId), tag: `loyalty:cashbackAccrued:${contactId}:deal:41` });
    expect(accrued?.message).toContain(`contact #${contactId} earned 1250.00 RUB cashback for deal #41`);

    const expiresAt = lotExpiry(wonAt, policy.expiryDays, ZONE);
    const remindAt = DateTime.fromMillis(expiresAt, { zone: ZONE }).minus({ days: 3 }).toMillis();
    await skipTo(remindAt - HOUR);
    expect(await notices(contactId, 'cashbackExpiring')).toEqual([]);
    await skipTo(remindAt + HOUR);
    await eventually(async () => (await notices(contactId, 'cashbackExpiring')).length === 1);
    await skipTo(expiresAt + 2 * DAY);
    const reminders = await notices(contactId, 'cashbackExpiring');
    expect(reminders).toHaveLength(1);
    const lastDay = DateTime.fromMillis(expiresAt - 1, { zone: ZONE }).toFormat('d LLL yyyy', { locale: 'en' });
    expect(reminders[0]?.message).toContain(`1250.00 RUB of contact #${contactId}'s cashback expires at the end of ${lastDay}`);

    // Every Bitrix24 call went through the portal's rate-limited queue, and the year passed in seconds all the same.
    const scheduled = (await handle.fetchHistory()).events?.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : [])) ?? [];
    expect(new Set(scheduled.map((a) => `${a.activityType?.name} on ${a.taskQueue?.name}`))).toEqual(
      new Set([`projectCashbackBalance on ${bitrix24TaskQueue(taskQueue)}`, `notifyManager on ${bitrix24TaskQueue(taskQueue)}`]),
    );
  });

  it('tells the manager when a birthday window opens, without the date', async () => {
    const { env, sandbox, taskQueue } = bed;
    const contactId = sandbox.portal.contacts.ids()[1]!;
    const policy: BirthdayPolicy = { timeZone: ZONE, daysBefore: 7, daysAfter: 7, feb29: 'mar1' };
    const birthdayThisYear = DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE }).plus({ days: 20 });
    await env.client.workflow.start(birthday, {
      taskQueue,
      workflowId: contactWorkflowId(taskQueue, 'birthday', contactId),
      args: [{ portal: taskQueue, contactId, birthdate: birthdayThisYear.set({ year: 1990 }).toISODate()!, policy }],
    });
    const opens = birthdayThisYear.minus({ days: 7 }).startOf('day').toMillis();
    await skipTo(opens - HOUR);
    expect(await notices(contactId, 'birthdayWindowOpen')).toEqual([]);
    await skipTo(opens + HOUR);
    await eventually(async () => (await notices(contactId, 'birthdayWindowOpen')).length === 1);
    const [opened] = await notices(contactId, 'birthdayWindowOpen');
    expect(opened?.message).toContain(`the birthday discount of contact #${contactId} is active now`);
    expect(opened?.message).not.toContain('1990');
    expect(opened?.message).not.toContain(birthdayThisYear.toFormat('d LLL'));
  });
});

describe('manager notifications from the bonus workflow (dev server)', () => {
  let devBed: Testbed;
  beforeAll(async () => {
    devBed = await startBed('dev');
  });
  afterAll(async () => devBed?.stop());

  it('tells the manager of a granted bonus once, however often the request arrives', async () => {
    const { env, sandbox, taskQueue } = devBed;
    const contactId = sandbox.portal.contacts.ids()[2]!;
    const request = {
      portal: taskQueue, requestId: 'review-77', contactId, kind: 'review' as const, amountMinor: 300_00, amountText: '300.00 RUB',
      reason: 'left a five-star review', author: 'user:12',
    };
    await grantBonus(env.client, taskQueue, request);
    await grantBonus(env.client, taskQueue, request);
    const granted = await noticesIn(devBed, contactId, 'bonusGranted');
    expect(granted).toEqual([
      { ...granted[0], userId: managerOf(devBed, contactId), tag: `loyalty:bonusGranted:${contactId}:review-77` },
    ]);
    expect(granted[0]?.message).toContain(`contact #${contactId} was granted a review bonus of 300.00 RUB by user:12`);
  });

  it('tells the referrer’s manager of a new referral and of the discount tier it reaches, once each', async () => {
    const { env, sandbox, taskQueue } = devBed;
    const manager = 9;
    const referrerId = sandbox.portal.contacts.add({ NAME: 'Referrer' }, { userId: manager });
    const referredId = sandbox.portal.contacts.add({ NAME: 'Referred' }, { userId: 3 });
    const firstTierAtOne: Programme = { ...programme, referral: { ...programme.referral, tiers: [{ atLeast: 1, percent: 500 }] } };
    const handle = await env.client.workflow.start(referral, {
      taskQueue,
      workflowId: contactWorkflowId(taskQueue, 'referral', referrerId),
      args: [{ portal: taskQueue, contactId: referrerId, programme: firstTierAtOne }],
    });
    const link = { referredId, at: Date.now(), referredIsExistingCustomer: false, referrerAncestors: [], referredCurrentReferrerId: null };
    expect(await handle.executeUpdate(linkReferredUpdate, { args: [link] })).toMatchObject({ kind: 'linked' });
    // The same link again is a duplicate: no second notice.
    expect(await handle.executeUpdate(linkReferredUpdate, { args: [link] })).toMatchObject({ kind: 'link-rejected' });
    const firstDeal = { contactId: String(referredId), pipelineId: 0, amountMinor: 2_000_00, wonAt: Date.now() };
    await handle.signal(referredDealWonSignal, { ...firstDeal, dealId: '501', isFirstWonDeal: true });

    await eventually(async () => (await noticesIn(devBed, referrerId, 'thresholdReached')).length === 1);
    expect(await noticesIn(devBed, referrerId, 'referralNew')).toEqual([
      expect.objectContaining({ userId: manager, tag: `loyalty:referralNew:${referrerId}:${referredId}` }),
    ]);
    const [reached] = await noticesIn(devBed, referrerId, 'thresholdReached');
    expect(reached).toMatchObject({ userId: manager, tag: `loyalty:thresholdReached:${referrerId}:500` });
    expect(reached?.message).toContain(`contact #${referrerId} has 1 qualified referrals and now gets a 5 % referral discount`);
    expect((await noticesIn(devBed, referrerId, 'referralNew'))[0]?.message).toContain(`contact #${referrerId} referred a new customer, contact #${referredId}`);
    expect(JSON.stringify(await noticesIn(devBed, referrerId, 'referralNew'))).not.toMatch(/Referrer|Referred/);
  });
});
