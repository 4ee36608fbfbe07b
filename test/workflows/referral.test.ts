import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { contacts } from '../../src/bitrix24';
import { LOYALTY_FIELDS } from '../../src/bitrix24/loyalty-fields';
import { loadProgramme } from '../../src/config/load-programme';
import type { Programme } from '../../src/domain/programme';
import { contactWorkflowId } from '../../src/temporal/workflow-ids';
import { cashbackQuery } from '../../workflows/cashback';
import { contact, contactStatusQuery } from '../../workflows/contact';
import { crmEventSignal, type CrmEventNotice } from '../../workflows/crm-event';
import { referralDiscountQuery, referralStatusQuery } from '../../workflows/referral';
import { recordHistory } from '../helpers/histories';
import { eventually } from '../helpers/temporal';
import { deliverDealEvent, startTestbed, type Testbed } from '../helpers/testbed';

// The example rules with tiers low enough for a test: 1 qualified referral → 5 %, 2 → 10 %. Welcome cashback
// 500.00, second-level cashback 200.00, first deals of at least 1000.00 in pipeline 0 (Sales) qualify.
const example = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));
const programme: Programme = {
  ...example,
  referral: {
    ...example.referral,
    tiers: [
      { atLeast: 1, percent: 500 },
      { atLeast: 2, percent: 1000 },
    ],
  },
};

describe('referral programme through contact and deal events (dev server, sandbox portal)', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({
      label: 'referral',
      server: 'dev',
      activities: ({ bitrix, env, taskQueue }) => createActivities({ bitrix, temporal: env.client, programme, taskQueue }),
    });
  });
  afterAll(async () => bed?.stop());

  const ts = () => Math.floor(Date.now() / 1000);
  /** What the bridge does for every Bitrix24 event: signal-with-start on the entity's deterministic workflow id. */
  const deliverContactEvent = (contactId: number, event: CrmEventNotice['event']) =>
    bed.env.client.workflow.signalWithStart(contact, {
      workflowId: contactWorkflowId(bed.taskQueue, 'contact', contactId),
      taskQueue: bed.taskQueue,
      args: [{ portal: bed.taskQueue, contactId }],
      signal: crmEventSignal,
      signalArgs: [{ event, entityId: contactId, ts: ts(), source: 'webhook' }],
    });
  const deliverDeal = (dealId: number) => deliverDealEvent(bed, dealId);
  const referralOf = (contactId: number) => bed.env.client.workflow.getHandle(contactWorkflowId(bed.taskQueue, 'referral', contactId));
  const contactWorkflowOf = (contactId: number) => bed.env.client.workflow.getHandle(contactWorkflowId(bed.taskQueue, 'contact', contactId));
  const cashbackOf = (contactId: number) => bed.env.client.workflow.getHandle(contactWorkflowId(bed.taskQueue, 'cashback', contactId));
  const addContact = (name: string, referrerId?: number) =>
    bed.sandbox.portal.contacts.add({ NAME: name, ...(referrerId === undefined ? {} : { [LOYALTY_FIELDS.contact.referrer]: String(referrerId) }) });
  const comments = (contactId: number) => bed.sandbox.portal.timeline.list('contact', contactId).map((c) => String(c.COMMENT));
  const standing = async (contactId: number) => {
    const { loyalty } = await bed.bitrix.run(contacts.get(contactId));
    return { referralCount: loyalty.referralCount, discount: loyalty.discountBasisPoints ?? 0 };
  };
  const contactHistory = async (contactId: number) => (await contactWorkflowOf(contactId).query(contactStatusQuery).catch(() => null))?.history ?? [];

  /** The activities a workflow scheduled, in order, with their one argument. */
  async function scheduledActivities(handle: WorkflowHandle): Promise<{ name: string; input: Record<string, unknown> }[]> {
    const events = (await handle.fetchHistory()).events ?? [];
    return events.flatMap((e) => {
      const scheduled = e.activityTaskScheduledEventAttributes;
      const data = scheduled?.input?.payloads?.[0]?.data;
      return scheduled && data ? [{ name: scheduled.activityType?.name ?? '', input: JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown> }] : [];
    });
  }

  /** A won deal of `contactId` in Sales worth 2000.00, its events delivered three times. */
  async function winDeal(contactId: number): Promise<number> {
    const { portal } = bed.sandbox;
    const dealId = portal.deals.add({ TITLE: 'Referred purchase', CATEGORY_ID: 0, STAGE_ID: 'NEW' });
    portal.deals.setContacts(dealId, [{ CONTACT_ID: contactId, IS_PRIMARY: 'Y' }]);
    portal.deals.setProductRows(dealId, [{ PRODUCT_ID: 1, PRICE: '2000.00', QUANTITY: 1 }]);
    portal.deals.setStage(dealId, 'WON');
    for (let copy = 0; copy < 3; copy++) await deliverDeal(dealId);
    return dealId;
  }

  it('raises the referrer 0 → 5 % → 10 %, pays welcome and second-level rewards once, and lowers it on a reversal', async () => {
    const grand = addContact('Grace');
    const referrer = addContact('Rita', grand);
    const [ann, ben] = [addContact('Ann', referrer), addContact('Ben', referrer)];
    // Bitrix24 sends ADD and then UPDATE events for one user action; the bridge may deliver each twice.
    for (const id of [referrer, ann, ben]) for (const event of ['ONCRMCONTACTADD', 'ONCRMCONTACTUPDATE', 'ONCRMCONTACTADD'] as const) await deliverContactEvent(id, event);

    await eventually(async () => (await referralOf(referrer).query(referralStatusQuery).catch(() => null))?.referred.length === 2);
    await eventually(async () => (await referralOf(referrer).query(referralStatusQuery)).referrerId === grand);
    expect(await referralOf(referrer).query(referralDiscountQuery)).toEqual({ percentBasisPoints: 0, reason: 'no referral discount: 0 qualified referral(s); 1 needed for 5 %' });
    expect((await contactHistory(ann)).map((h) => h.event)).toContain('referrer-linked');
    await eventually(async () => comments(ann).some((c) => c.startsWith(`Referred by contact ${referrer}`)));

    const annDeal = await winDeal(ann);
    await eventually(async () => (await standing(referrer)).discount === 500);
    expect(await standing(referrer)).toEqual({ referralCount: 1, discount: 500 });
    const fivePercent = await referralOf(referrer).query(referralDiscountQuery);
    expect(fivePercent.percentBasisPoints).toBe(500);
    expect(fivePercent.reason).toContain(`5 % referral discount: 1 qualified referral(s) reached the tier of 1; 2 needed for 10 %; last change: deal ${annDeal} of referred contact ${ann} qualifies`);
    await eventually(async () => comments(referrer).some((c) => c.includes('Referral discount 0 % → 5 %')));
    // The discount a manager filters by is written before the comment and notice the qualification causes (effects
    // of earlier decisions may still be running when the deal arrives, so the order is read from the activities' input).
    const scheduled = await scheduledActivities(referralOf(referrer));
    const standingWritten = scheduled.findIndex((a) => a.name === 'projectReferralStanding' && a.input.discountBasisPoints === 500);
    const commented = scheduled.findIndex((a) => a.name === 'commentOnContact' && String(a.input.text).includes('Referral discount 0 % → 5 %'));
    expect(standingWritten).toBeGreaterThanOrEqual(0);
    expect(commented).toBeGreaterThan(standingWritten);

    const benDeal = await winDeal(ben);
    await eventually(async () => (await standing(referrer)).discount === 1000);
    expect(await standing(referrer)).toEqual({ referralCount: 2, discount: 1000 });
    await eventually(async () => comments(referrer).some((c) => c.includes('Referral discount 5 % → 10 %')));

    // Welcome cashback to each referred contact once, however often the events came; 200.00 to Grace per referral.
    const welcomeCredits = async (id: number) =>
      (await cashbackOf(id).query(cashbackQuery).catch(() => null))?.history.filter((e) => e.kind === 'manual-credit' && e.key.startsWith('referral-welcome:')).map((e) => e.amount) ?? [];
    await eventually(async () => (await welcomeCredits(ben)).length === 1);
    expect(await welcomeCredits(ann)).toEqual([500_00]);
    await eventually(async () => (await cashbackOf(grand).query(cashbackQuery).catch(() => null))?.balances.net === 2 * 200_00);
    expect(comments(ann).filter((c) => c.startsWith('Welcome reward 500.00 RUB cashback credited'))).toHaveLength(1);

    // Ben's deal is lost after all: his referral no longer counts.
    bed.sandbox.portal.deals.setStage(benDeal, 'LOSE');
    for (let copy = 0; copy < 2; copy++) await deliverDeal(benDeal);
    await eventually(async () => (await standing(referrer)).discount === 500);
    expect(await standing(referrer)).toEqual({ referralCount: 1, discount: 500 });
    await eventually(async () => comments(referrer).some((c) => c.startsWith(`Referral qualification reversed: deal ${benDeal} was reversed`)));

    // The rewards Ben's deal earned are taken back: his welcome cashback and Grace's second-level cashback.
    await eventually(async () => comments(grand).some((c) => c.startsWith(`200.00 RUB cashback taken back: second-level reward taken back: deal ${benDeal}`)));
    await eventually(async () => comments(ben).some((c) => c.startsWith(`500.00 RUB cashback taken back: welcome reward taken back: deal ${benDeal}`)));
    const view = await referralOf(referrer).query(referralStatusQuery);
    expect(view.history.filter((h) => h.event === 'reward-taken-back').map((h) => h.reason)).toEqual([
      `second-level reward taken back: deal ${benDeal} of contact ${ben} was reversed (referral-second-level:${benDeal})`,
      `welcome reward taken back: deal ${benDeal} of contact ${ben} was reversed (referral-welcome:${ben})`,
    ]);
    expect(view.history.filter((h) => h.decision !== undefined).map((h) => h.event)).toEqual(['linked', 'linked', 'qualified', 'qualified', 'reversed']);
    expect(view.discount).toMatchObject({ percent: 500, source: 'referrer-tier', qualifiedCount: 1 });
    expect(await welcomeCredits(ben)).toEqual([500_00]);
    // …and the accounts really give them back.
    await eventually(async () => (await cashbackOf(grand).query(cashbackQuery)).balances.net === 200_00);
    const clawedBack = async (id: number) => (await cashbackOf(id).query(cashbackQuery)).history.filter((e) => e.kind === 'clawback').map((e) => [e.key, e.amount]);
    await eventually(async () => (await clawedBack(ben)).some(([key]) => key === `clawback:referral-welcome:${ben}`));
    expect(await clawedBack(grand)).toEqual([[`clawback:referral-second-level:${benDeal}`, 200_00]]);
    await recordHistory(referralOf(referrer), 'referral-thresholds-standing-first');
  });

  it('rejects a self-referral and a cycle, with the reason in the history and on the timeline', async () => {
    const { portal } = bed.sandbox;
    const self = addContact('Sam');
    portal.contacts.update(self, { [LOYALTY_FIELDS.contact.referrer]: String(self) });
    await deliverContactEvent(self, 'ONCRMCONTACTUPDATE');
    await eventually(async () => (await contactHistory(self)).some((h) => h.event === 'referrer-rejected'));
    expect((await contactHistory(self)).find((h) => h.event === 'referrer-rejected')?.reason).toBe(`contact ${self} cannot refer themselves`);
    await eventually(async () => comments(self).some((c) => c.startsWith(`Referral by contact ${self} not accepted: contact ${self} cannot refer themselves`)));

    // top → middle → bottom, then someone sets bottom as top's referrer.
    const top = addContact('Tom');
    const middle = addContact('Mia', top);
    const bottom = addContact('Bob', middle);
    for (const id of [middle, bottom]) await deliverContactEvent(id, 'ONCRMCONTACTADD');
    await eventually(async () => (await referralOf(middle).query(referralStatusQuery).catch(() => null))?.referred.length === 1);
    await eventually(async () => (await referralOf(middle).query(referralStatusQuery)).referrerId === top);
    portal.contacts.update(top, { [LOYALTY_FIELDS.contact.referrer]: String(bottom) });
    await deliverContactEvent(top, 'ONCRMCONTACTUPDATE');
    await eventually(async () => (await contactHistory(top)).some((h) => h.event === 'referrer-rejected'));
    expect((await contactHistory(top)).find((h) => h.event === 'referrer-rejected')?.reason).toBe(
      `contact ${top} is already above ${bottom} in the referral chain (a cycle)`,
    );
    const bottomView = await referralOf(bottom).query(referralStatusQuery);
    expect(bottomView.history.map((h) => h.decision?.kind === 'link-rejected' && h.decision.rejection)).toContain('referral-cycle');
    expect(bottomView.referred).toEqual([]);
  });
});
