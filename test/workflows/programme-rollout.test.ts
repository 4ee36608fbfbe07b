import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { customerSearchAttributes } from '../../activities/customer-workflows';
import { createProgrammeRolloutActivities, runningRuleHoldersQuery } from '../../activities/programme-rollout';
import { contacts } from '../../src/bitrix24';
import { loadProgramme } from '../../src/config/load-programme';
import { addDays, birthdayWindow, localDate, nextCalendarReset } from '../../src/domain/calendar';
import { lotTimes } from '../../src/domain/cashback-rules';
import type { Programme } from '../../src/domain/programme';
import { programmeFingerprint } from '../../src/domain/programme-fingerprint';
import { PORTAL } from '../../src/temporal/search-attributes';
import { contactWorkflowId, programmeRolloutWorkflowId } from '../../src/temporal/workflow-ids';
import { startLoyaltyWorker } from '../../src/worker/loyalty-worker';
import { startProgrammeRollout } from '../../src/worker/programme-rollout';
import { birthday, birthdayPolicyOf, birthdayStatusQuery, programmeChangedSignal as birthdayProgrammeChanged } from '../../workflows/birthday';
import { cashback, cashbackPolicyOf, cashbackQuery, cashbackRulesQuery, dealWonSignal, programmeChangedSignal as cashbackProgrammeChanged } from '../../workflows/cashback';
import { programmeRollout } from '../../workflows/programme-rollout';
import { programmeChangedSignal as purchasesProgrammeChanged, purchases, purchasesQuery, purchaseWonSignal } from '../../workflows/purchases';
import { linkReferredUpdate, programmeChangedSignal as referralProgrammeChanged, referral, referralDiscountQuery, referralStatusQuery, referredDealWonSignal } from '../../workflows/referral';
import { recordHistory } from '../helpers/histories';
import { noticesIn } from '../helpers/notices';
import { eventually, uniqueTaskQueue } from '../helpers/temporal';
import { startTestbed, type Testbed } from '../helpers/testbed';

const example = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));
/** The rules the workflows start with: 3 qualified referrals → 5 %, 2 purchases → 3 %, lots live a year, reset 31 Dec. */
const programmeA: Programme = {
  ...example,
  referral: { ...example.referral, welcome: null, secondLevelCashbackMinor: null },
};
/** The integrator's change: 2 referrals → 5 %, 1 purchase → 4 %, lots live 30 days, reset 30 June, birthday a month early. */
const programmeB: Programme = {
  ...programmeA,
  referral: { ...programmeA.referral, tiers: [{ atLeast: 2, percent: 500 }, { atLeast: 4, percent: 1000 }] },
  purchaseCount: { ...programmeA.purchaseCount, tiers: [{ atLeast: 1, percent: 400 }, { atLeast: 3, percent: 800 }] },
  cashback: { ...programmeA.cashback, lotExpiryDays: 30, reset: { month: 6, day: 30 }, reminderDaysBeforeExpiry: 3 },
  birthday: { ...programmeA.birthday, daysBefore: 30, daysAfter: 10 },
};

/** A birthdate 20 local days ahead: outside A's window (7 days before), inside B's (30 days before). */
function birthdateInTwentyDays(timeZone: string): string {
  const inTwenty = addDays(localDate(Date.now(), timeZone), 20);
  const monthDay = inTwenty.slice(5) === '02-29' ? addDays(inTwenty, 1).slice(5) : inTwenty.slice(5);
  return `1990-${monthDay}`;
}

const activitiesScheduled = async (handle: WorkflowHandle): Promise<number> =>
  ((await handle.fetchHistory()).events ?? []).filter((event) => event.activityTaskScheduledEventAttributes).length;

/** Nothing in flight: no activity pending and the last workflow task issued no command. */
async function settled(handle: WorkflowHandle): Promise<boolean> {
  const events = (await handle.fetchHistory()).events ?? [];
  const pending = (await handle.describe()).raw.pendingActivities ?? [];
  return pending.length === 0 && events.at(-1)?.workflowTaskCompletedEventAttributes !== undefined;
}

/** Signals processed by the workflow: a workflow task completed after the last signal. */
async function signalsProcessed(handle: WorkflowHandle): Promise<boolean> {
  const events = [...((await handle.fetchHistory()).events ?? [])].reverse();
  const sinceLastSignal = events.slice(0, events.findIndex((event) => event.workflowExecutionSignaledEventAttributes));
  return sinceLastSignal.some((event) => event.workflowTaskCompletedEventAttributes);
}

describe('programme rollout to running workflows (dev server, sandbox portal)', () => {
  let bed: Testbed;
  let portal: string;
  let ids: { buyer: number; referrer: number; referred: number[] };
  const handleOf = (workflowId: string) => bed.env.client.workflow.getHandle(workflowId);
  const cashbackOf = () => handleOf(contactWorkflowId(portal, 'cashback', ids.buyer));
  const purchasesOf = () => handleOf(contactWorkflowId(portal, 'purchases', ids.buyer));
  const birthdayOf = () => handleOf(contactWorkflowId(portal, 'birthday', ids.buyer));
  const referrerOf = () => handleOf(contactWorkflowId(portal, 'referral', ids.referrer));
  const runningRuleHolders = async (): Promise<string[]> => {
    const listed: string[] = [];
    for await (const execution of bed.env.client.workflow.list({ query: runningRuleHoldersQuery(portal) })) listed.push(execution.workflowId);
    return listed.sort();
  };
  const rolloutsListed = async (): Promise<{ workflowId: string; status: string }[]> => {
    const listed = [];
    for await (const execution of bed.env.client.workflow.list({ query: `WorkflowType = 'programmeRollout' AND LoyaltyPortal = '${portal}'` })) {
      listed.push({ workflowId: execution.workflowId, status: execution.status.name });
    }
    return listed;
  };
  const birthdate = birthdateInTwentyDays(programmeA.timeZone);
  let firstLotExpiresAt: number;

  beforeAll(async () => {
    bed = await startTestbed({
      label: 'programme-rollout',
      server: 'dev',
      activities: ({ bitrix, env, taskQueue }) => createActivities({ bitrix, temporal: env.client, programme: programmeA, taskQueue }),
    });
    portal = bed.taskQueue;
    const [buyer, referrer, ...referred] = bed.sandbox.portal.contacts.ids();
    ids = { buyer: buyer!, referrer: referrer!, referred: referred.slice(0, 2) };
    const { client } = bed.env;
    const start = { taskQueue: bed.taskQueue };

    // Workflows started under A, as the worker with A's rules started them.
    const account = await client.workflow.start(cashback, {
      ...start,
      workflowId: contactWorkflowId(portal, 'cashback', ids.buyer),
      args: [{ portal, contactId: ids.buyer, policy: cashbackPolicyOf(programmeA.cashback, programmeA.timeZone) }],
      typedSearchAttributes: customerSearchAttributes(portal, ids.buyer, 'cashback'),
    });
    const wonAt = Date.now();
    await account.signal(dealWonSignal, { dealId: 1, cashbackMinor: 100_00, wonAt, reason: 'cashback on deal 1' });
    firstLotExpiresAt = lotTimes(wonAt, programmeA.cashback, programmeA.timeZone).expiresAt;

    const counter = await client.workflow.start(purchases, {
      ...start,
      workflowId: contactWorkflowId(portal, 'purchases', ids.buyer),
      args: [{ portal, contactId: ids.buyer, programme: programmeA }],
      typedSearchAttributes: customerSearchAttributes(portal, ids.buyer, 'purchases'),
    });
    for (const dealId of [1, 2]) await counter.signal(purchaseWonSignal, { dealId, pipelineId: 0, wonAt });

    await client.workflow.start(birthday, {
      ...start,
      workflowId: contactWorkflowId(portal, 'birthday', ids.buyer),
      args: [{ portal, contactId: ids.buyer, birthdate, policy: birthdayPolicyOf(programmeA) }],
      typedSearchAttributes: customerSearchAttributes(portal, ids.buyer, 'birthday'),
    });

    // The referrer sits at a boundary: 2 qualified referrals, one short of A's first tier, exactly B's.
    const referrerRun = await client.workflow.start(referral, {
      ...start,
      workflowId: contactWorkflowId(portal, 'referral', ids.referrer),
      args: [{ portal, contactId: ids.referrer, programme: programmeA }],
      typedSearchAttributes: customerSearchAttributes(portal, ids.referrer, 'referral'),
    });
    for (const referredId of ids.referred) {
      const link = { referredId, at: wonAt, referredIsExistingCustomer: false, referrerAncestors: [], referredCurrentReferrerId: null };
      expect(await referrerRun.executeUpdate(linkReferredUpdate, { args: [link] })).toMatchObject({ kind: 'linked' });
      await referrerRun.signal(referredDealWonSignal, { dealId: String(100 + referredId), contactId: String(referredId), pipelineId: 0, amountMinor: 2000_00, wonAt, isFirstWonDeal: true });
    }
    await eventually(async () => (await referrerRun.query(referralStatusQuery)).discount.qualifiedCount === 2);

    // The qualifications started the referred contacts' referral workflows; visibility must list every one.
    const expected = [
      contactWorkflowId(portal, 'cashback', ids.buyer),
      contactWorkflowId(portal, 'purchases', ids.buyer),
      contactWorkflowId(portal, 'birthday', ids.buyer),
      ...[ids.referrer, ...ids.referred].map((contactId) => contactWorkflowId(portal, 'referral', contactId)),
    ].sort();
    await eventually(async () => JSON.stringify(await runningRuleHolders()) === JSON.stringify(expected));
  });
  afterAll(async () => bed?.stop());

  it('starts with A: no referral discount at 2 referrals, 3 % for 2 purchases, no birthday window yet', async () => {
    expect(await referrerOf().query(referralDiscountQuery)).toMatchObject({ percentBasisPoints: 0 });
    expect(await purchasesOf().query(purchasesQuery)).toMatchObject({ count: 2, percent: 300 });
    await eventually(async () => (await cashbackOf().query(cashbackQuery)).lots.length === 1);
    expect((await cashbackOf().query(cashbackRulesQuery)).policy.expiryDays).toBe(365);
    await eventually(async () => (await birthdayOf().query(birthdayStatusQuery)).history.length === 1);
    expect(await birthdayOf().query(birthdayStatusQuery)).toMatchObject({ active: false });
  });

  it('rolls B out: every running workflow adopts it, and what was earned under A keeps its terms', async () => {
    const rollout = await startProgrammeRollout(bed.env.client, { portal, taskQueue: bed.taskQueue, programme: programmeB });
    expect(rollout).toEqual({ workflowId: programmeRolloutWorkflowId(portal, programmeFingerprint(programmeB)), started: true, superseded: [] });
    const handle = bed.env.client.workflow.getHandle<typeof programmeRollout>(rollout.workflowId);
    expect(await handle.result()).toEqual({ signalled: 6, closed: 0 });
    await recordHistory(handle, 'programme-rollout');

    // Referral: the tier is recomputed from the 2 qualified referrals under B's thresholds, and the CRM shows it.
    await eventually(async () => (await referrerOf().query(referralDiscountQuery)).percentBasisPoints === 500);
    const status = await referrerOf().query(referralStatusQuery);
    expect(status.history.at(-1)).toMatchObject({ event: 'programme-changed', reason: expect.stringContaining('0 % → 5 %') });
    expect(status.qualifications).toHaveLength(2);
    await eventually(async () => (await bed.bitrix.run(contacts.get(ids.referrer))).loyalty.discountBasisPoints === 500);
    // The manager hears of the new tier as of one reached by a referral.
    await eventually(async () => (await noticesIn(bed, ids.referrer, 'thresholdReached')).length === 1);
    expect((await noticesIn(bed, ids.referrer, 'thresholdReached'))[0]!.message).toContain('has 2 qualified referrals and now gets a 5 % referral discount');

    // Purchases: the same 2 purchases are worth B's 4 %.
    expect(await purchasesOf().query(purchasesQuery)).toMatchObject({ count: 2, percent: 400 });

    // Cashback: the next reset and new lots follow B; the lot accrued under A keeps its year.
    await eventually(async () => (await cashbackOf().query(cashbackRulesQuery)).policy.expiryDays === 30);
    const rules = await cashbackOf().query(cashbackRulesQuery);
    expect(rules.policy).toEqual(cashbackPolicyOf(programmeB.cashback, programmeB.timeZone));
    expect(rules.nextResetAt).toBe(nextCalendarReset({ month: 6, day: 30, timeZone: programmeB.timeZone }, Date.now()));
    const wonAt = Date.now();
    await cashbackOf().signal(dealWonSignal, { dealId: 2, cashbackMinor: 50_00, wonAt, reason: 'cashback on deal 2' });
    await eventually(async () => (await cashbackOf().query(cashbackQuery)).lots.length === 2);
    const lots = (await cashbackOf().query(cashbackQuery)).lots;
    expect(lots.map((lot) => ({ key: lot.key, expiresAt: lot.expiresAt }))).toEqual([
      { key: 'deal:1', expiresAt: firstLotExpiresAt },
      { key: 'deal:2', expiresAt: lotTimes(wonAt, programmeB.cashback, programmeB.timeZone).expiresAt },
    ]);

    // Birthday: B's window (30 days before) has opened.
    await eventually(async () => (await birthdayOf().query(birthdayStatusQuery)).active);
    const window = (await birthdayOf().query(birthdayStatusQuery)).window;
    expect(window).toEqual(birthdayWindow({ birthdate, ...birthdayPolicyOf(programmeB) }, Date.now()));
  });

  it('does nothing the second time: the same rollout is not started again, and the same rules signalled again change nothing', async () => {
    const rolloutB = programmeRolloutWorkflowId(portal, programmeFingerprint(programmeB));
    await eventually(async () => JSON.stringify(await rolloutsListed()) === JSON.stringify([{ workflowId: rolloutB, status: 'COMPLETED' }]));
    expect(await startProgrammeRollout(bed.env.client, { portal, taskQueue: bed.taskQueue, programme: programmeB })).toEqual({ workflowId: rolloutB, started: false, superseded: [] });

    const handles = [cashbackOf(), purchasesOf(), birthdayOf(), referrerOf()];
    for (const handle of handles) await eventually(() => settled(handle));
    const before = await Promise.all([
      cashbackOf().query(cashbackQuery),
      cashbackOf().query(cashbackRulesQuery),
      purchasesOf().query(purchasesQuery),
      birthdayOf().query(birthdayStatusQuery),
      referrerOf().query(referralStatusQuery),
    ]);
    const scheduledBefore = await Promise.all(handles.map(activitiesScheduled));
    await cashbackOf().signal(cashbackProgrammeChanged, programmeB);
    await purchasesOf().signal(purchasesProgrammeChanged, programmeB);
    await birthdayOf().signal(birthdayProgrammeChanged, programmeB);
    await referrerOf().signal(referralProgrammeChanged, programmeB);
    for (const handle of handles) await eventually(() => signalsProcessed(handle));

    expect(await Promise.all(handles.map(activitiesScheduled))).toEqual(scheduledBefore);
    const after = await Promise.all([
      cashbackOf().query(cashbackQuery),
      cashbackOf().query(cashbackRulesQuery),
      purchasesOf().query(purchasesQuery),
      birthdayOf().query(birthdayStatusQuery),
      referrerOf().query(referralStatusQuery),
    ]);
    expect(after).toEqual(before);
  });

  it('rolls A out again when the change is undone: the workflows held B in between', async () => {
    const rollout = await startProgrammeRollout(bed.env.client, { portal, taskQueue: bed.taskQueue, programme: programmeA });
    expect(rollout).toMatchObject({ workflowId: programmeRolloutWorkflowId(portal, programmeFingerprint(programmeA)), started: true });
    expect(await bed.env.client.workflow.getHandle<typeof programmeRollout>(rollout.workflowId).result()).toEqual({ signalled: 6, closed: 0 });
    await eventually(async () => (await referrerOf().query(referralDiscountQuery)).percentBasisPoints === 0);
    expect(await purchasesOf().query(purchasesQuery)).toMatchObject({ percent: 300 });
    await eventually(async () => (await cashbackOf().query(cashbackRulesQuery)).policy.expiryDays === 365);
    await eventually(async () => (await bed.bitrix.run(contacts.get(ids.referrer))).loyalty.discountBasisPoints === 0);
    // A lower tier is no news for the manager.
    expect(await noticesIn(bed, ids.referrer, 'thresholdReached')).toHaveLength(1);
    await recordHistory(cashbackOf(), 'cashback-programme-changed');
    await recordHistory(referrerOf(), 'referral-programme-raised-notice');
  });

  it('stops a rollout of other rules still running, so its signals cannot land after the new ones', async () => {
    const otherPortal = `${portal}-other`;
    const stuckId = programmeRolloutWorkflowId(otherPortal, programmeFingerprint(programmeA));
    // No worker polls this queue: the rollout of A stays running, as one interrupted by a restart does.
    await bed.env.client.workflow.start(programmeRollout, {
      workflowId: stuckId,
      taskQueue: `${bed.taskQueue}-nobody`,
      args: [{ portal: otherPortal, programme: programmeA }],
      typedSearchAttributes: [{ key: PORTAL, value: otherPortal }],
    });
    const listed = async () => {
      const found = [];
      for await (const execution of bed.env.client.workflow.list({ query: `WorkflowType = 'programmeRollout' AND LoyaltyPortal = '${otherPortal}'` })) found.push(execution.workflowId);
      return found;
    };
    await eventually(async () => (await listed()).includes(stuckId));

    const rollout = await startProgrammeRollout(bed.env.client, { portal: otherPortal, taskQueue: bed.taskQueue, programme: programmeB });
    expect(rollout).toEqual({ workflowId: programmeRolloutWorkflowId(otherPortal, programmeFingerprint(programmeB)), started: true, superseded: [stuckId] });
    expect((await bed.env.client.workflow.getHandle(stuckId).describe()).status.name).toBe('TERMINATED');
    expect(await bed.env.client.workflow.getHandle(rollout.workflowId).result()).toEqual({ signalled: 0, closed: 0 });
  });

  it('is started by every worker start: the new programme reaches workflows started before, a restart with it starts nothing', async () => {
    const workerPortal = `${portal}-worker`;
    const taskQueue = uniqueTaskQueue('programme-rollout-worker');
    const counter = await bed.env.client.workflow.start(purchases, {
      taskQueue,
      workflowId: contactWorkflowId(workerPortal, 'purchases', ids.buyer),
      args: [{ portal: workerPortal, contactId: ids.buyer, programme: programmeA }],
      typedSearchAttributes: customerSearchAttributes(workerPortal, ids.buyer, 'purchases'),
    });
    await counter.signal(purchaseWonSignal, { dealId: 1, pipelineId: 0, wonAt: Date.now() });
    await eventually(async () => {
      for await (const execution of bed.env.client.workflow.list({ query: runningRuleHoldersQuery(workerPortal) })) return execution.workflowId === counter.workflowId;
      return false;
    });
    const startWorkerWith = (programme: Programme) =>
      startLoyaltyWorker({
        temporalAddress: inject('temporalAddress'),
        namespace: inject('temporalNamespace'),
        taskQueue,
        portal: workerPortal,
        bitrix: bed.bitrix,
        programme,
        workflowBundlePath: inject('workflowBundlePath'),
      });
    const rollouts = async (): Promise<string[]> => {
      const found = [];
      for await (const execution of bed.env.client.workflow.list({ query: `WorkflowType = 'programmeRollout' AND LoyaltyPortal = '${workerPortal}'` })) found.push(execution.status.name);
      return found;
    };

    const first = await startWorkerWith(programmeB);
    try {
      // One purchase: nothing under A's tiers, 4 % under B's.
      await eventually(async () => (await counter.query(purchasesQuery)).percent === 400);
      await eventually(async () => JSON.stringify(await rollouts()) === JSON.stringify(['COMPLETED']));
    } finally {
      await first.stop();
    }
    const restarted = await startWorkerWith(programmeB);
    await restarted.stop();
    expect(await rollouts()).toEqual(['COMPLETED']);
  });

  it('resumes from its last heartbeat: a retried activity signals only the pages it had not finished', async () => {
    const rolloutActivities = createProgrammeRolloutActivities({ client: bed.env.client, pageSize: 2 });
    const request = { portal, programme: programmeA };
    const firstAttempt = new MockActivityEnvironment();
    const beats: unknown[] = [];
    firstAttempt.on('heartbeat', (details: unknown) => beats.push(details));
    expect(await firstAttempt.run(rolloutActivities.signalProgrammeChanged, request)).toEqual({ signalled: 6, closed: 0 });
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(beats[0]).toMatchObject({ pagesDone: 1, signalled: 2, nextPageToken: expect.any(String) });

    const retry = new MockActivityEnvironment({ heartbeatDetails: beats[0] });
    const retryBeats: unknown[] = [];
    retry.on('heartbeat', (details: unknown) => retryBeats.push(details));
    expect(await retry.run(rolloutActivities.signalProgrammeChanged, request)).toEqual({ signalled: 6, closed: 0 });
    expect(retryBeats).toEqual(beats.slice(1));
  });
});
