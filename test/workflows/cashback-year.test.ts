import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationActivities } from '../../activities/notify';
import { loadProgramme } from '../../src/config/load-programme';
import { createCashbackActivities } from '../../activities/cashback';
import { LOYALTY_FIELDS } from '../../src/bitrix24';
import { DateTime } from 'luxon';
import { lotExpiry, nextCalendarReset } from '../../src/domain/calendar';
import { cashback, cashbackQuery, dealWonSignal, redeemUpdate, type CashbackPolicy } from '../../workflows/cashback';
import { startTestbed, type Testbed } from '../helpers/testbed';
import { recordHistory } from '../helpers/histories';
import { eventually } from '../helpers/temporal';

const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

const DAY = 86_400_000;
const policy: CashbackPolicy = {
  timeZone: 'Europe/Moscow',
  expiryDays: 10,
  pendingDays: 0,
  reset: { month: 12, day: 31 },
  clawback: 'debt',
  retentionDays: 400,
};

describe('cashback workflow over months of workflow time (time-skipping server)', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({ label: 'cashback-year', server: 'time-skipping', activities: ({ bitrix }) => ({ ...createCashbackActivities(bitrix), ...createNotificationActivities({ bitrix, programme }) }) });
  });
  afterAll(async () => bed?.stop());

  it('expires each lot at its own date and resets the rest at year end, a year of workflow time in seconds', async () => {
    const { env, sandbox, taskQueue } = bed;
    const contactId = sandbox.portal.contacts.ids()[0]!;
    const handle = await env.client.workflow.start(cashback, {
      taskQueue,
      workflowId: `loyalty/test/cashback/contact-${contactId}`,
      args: [{ portal: taskQueue, contactId, policy }],
    });
    // Start the story on the next 1 February (portal time) so every run sees the same calendar.
    await env.sleep(nextFebruaryFirstNoon(await env.currentTimeMs()) - (await env.currentTimeMs()));
    const day0 = await env.currentTimeMs();

    await handle.signal(dealWonSignal, { dealId: 1, cashbackMinor: 2_500_00, wonAt: day0, reason: 'cashback 5 % of deal 1' });
    await env.sleep(5 * DAY);
    const day5 = await env.currentTimeMs();
    await handle.signal(dealWonSignal, { dealId: 2, cashbackMinor: 7_000_00, wonAt: day5, reason: 'cashback 7 % of deal 2' });
    // Redemption is an update: soonest-expiring lot first.
    const afterRedeem = await handle.executeUpdate(redeemUpdate, { args: [{ key: 'deal:9:redeem', amountMinor: 1_000_00, reason: 'paid part of deal 9' }] });
    expect(afterRedeem).toMatchObject({ applied: true, balances: { available: 8_500_00 } });

    await env.sleep(325 * DAY);
    const day330 = await env.currentTimeMs();
    await handle.signal(dealWonSignal, { dealId: 3, cashbackMinor: 900_00, wonAt: day330, reason: 'cashback 5 % of deal 3' });
    await env.sleep(60 * DAY);
    const view = await handle.query(cashbackQuery);

    const reset = nextCalendarReset({ month: 12, day: 31, timeZone: policy.timeZone }, day0);
    const writeOffs = view.history.filter((e) => e.kind === 'expiry' || e.kind === 'reset');
    expect(writeOffs.map((e) => ({ kind: e.kind, key: e.key, amount: e.amount, at: e.at }))).toEqual([
      { kind: 'expiry', key: 'expiry:deal:1', amount: 1_500_00, at: lotExpiry(day0, policy.expiryDays, policy.timeZone) },
      { kind: 'expiry', key: 'expiry:deal:2', amount: 7_000_00, at: lotExpiry(day5, policy.expiryDays, policy.timeZone) },
      { kind: 'reset', key: 'reset:deal:3', amount: 900_00, at: reset },
    ]);
    expect(lotExpiry(day330, policy.expiryDays, policy.timeZone)).toBeGreaterThan(reset);
    expect(view.balances.net).toBe(0);

    // Each reset closes the year: the current run was continued as new right at the last one, and the ledger
    // above (lots and write-offs from before it) came across with it.
    const [started] = (await handle.fetchHistory()).events ?? [];
    expect(started?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
    const startedAt = Number(started?.eventTime?.seconds ?? 0) * 1000;
    expect(startedAt).toBeGreaterThanOrEqual(reset);
    expect(startedAt).toBeLessThan(reset + DAY);
    await recordHistory(handle, 'cashback-year');

    // The CRM shows the balance the ledger holds.
    const contact = sandbox.portal.contacts.get(contactId) as Record<string, unknown>;
    expect(Number(contact[LOYALTY_FIELDS.contact.cashbackBalance])).toBe(0);
  });
});

function nextFebruaryFirstNoon(after: number): number {
  const local = DateTime.fromMillis(after, { zone: policy.timeZone });
  const thisYear = local.set({ month: 2, day: 1, hour: 12, minute: 0, second: 0, millisecond: 0 });
  return (thisYear.toMillis() > after ? thisYear : thisYear.plus({ years: 1 })).toMillis();
}

describe('cashback of a deal booked after the reset that followed its win (dev server)', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({ label: 'cashback-late', server: 'dev', activities: ({ bitrix }) => ({ ...createCashbackActivities(bitrix), ...createNotificationActivities({ bitrix, programme }) }) });
  });
  afterAll(async () => bed?.stop());

  it('writes the lot off as that reset would have, while a deal won since the reset keeps its cashback', async () => {
    const { env, sandbox, taskQueue } = bed;
    const contactId = sandbox.portal.contacts.ids()[1]!;
    const handle = await env.client.workflow.start(cashback, {
      taskQueue,
      workflowId: `loyalty/${taskQueue}/cashback/contact-${contactId}`,
      args: [{ portal: taskQueue, contactId, policy: { ...policy, expiryDays: 3 * 365 } }],
    });
    const now = Date.now();
    const lastReset = nextCalendarReset({ month: 12, day: 31, timeZone: policy.timeZone }, now - 366 * DAY);
    const recentWin = Math.max(lastReset + 1, now - DAY);
    await handle.signal(dealWonSignal, { dealId: 1, cashbackMinor: 1_000_00, wonAt: lastReset - 10 * DAY, reason: 'cashback of an old deal' });
    await handle.signal(dealWonSignal, { dealId: 2, cashbackMinor: 300_00, wonAt: recentWin, reason: 'cashback of a recent deal' });
    await eventually(async () => (await handle.query(cashbackQuery)).history.length >= 3);
    const view = await handle.query(cashbackQuery);
    expect(view.history.map((e) => [e.kind, e.key, e.amount, e.at])).toEqual([
      ['accrual', 'deal:1', 1_000_00, lastReset - 10 * DAY],
      ['reset', 'reset:deal:1', 1_000_00, lastReset],
      ['accrual', 'deal:2', 300_00, recentWin],
    ]);
    expect(view.balances.net).toBe(300_00);
  });
});
