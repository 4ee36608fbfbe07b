import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { inspectContact } from '../../src/admin/inspect-contact';
import { contacts } from '../../src/bitrix24';
import { renderContactReport } from '../../src/cli/inspect';
import { loadProgramme } from '../../src/config/load-programme';
import { lotTimes } from '../../src/domain/cashback-rules';
import { contactWorkflowId, dealWorkflowId } from '../../src/temporal/workflow-ids';
import { cashbackQuery } from '../../workflows/cashback';
import { type CrmEventNotice } from '../../workflows/crm-event';
import { dealStatusQuery } from '../../workflows/deal';
import { purchasesQuery } from '../../workflows/purchases';
import { recordHistory } from '../helpers/histories';
import { eventually } from '../helpers/temporal';
import { deliverDealEvent, startTestbed, type Testbed } from '../helpers/testbed';

// Pipeline 0 (Sales) earns cashback (≤ 50 000 → 5 %, above → 7 %) and counts purchases in the example programme.
const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

const DAY_MS = 86_400_000;

describe('deal workflow: won and reversed deals reach the customers once (dev server)', () => {
  let bed: Testbed;
  /** How far the portal's clock runs behind the real one while a test acts "in the past". */
  let portalLagMs = 0;
  beforeAll(async () => {
    bed = await startTestbed({
      label: 'deal',
      server: 'dev',
      portalClock: () => Date.now() - portalLagMs,
      activities: ({ bitrix, env, taskQueue }) => createActivities({ bitrix, temporal: env.client, programme, taskQueue }),
    });
  });
  afterAll(async () => bed?.stop());

  const deliver = (dealId: number, notice: Pick<CrmEventNotice, 'event' | 'ts'>) => deliverDealEvent(bed, dealId, notice);

  it('events delivered three times and out of order credit once, and a lost deal gives everything back', async () => {
    const { env, sandbox, bitrix, taskQueue: portal } = bed;
    const [payer, traveller] = sandbox.portal.contacts.ids();
    const dealId = sandbox.portal.deals.add({ TITLE: 'Two travellers', CATEGORY_ID: 0, STAGE_ID: 'NEW' });
    sandbox.portal.deals.setContacts(dealId, [{ CONTACT_ID: payer!, IS_PRIMARY: 'Y' }, { CONTACT_ID: traveller! }]);
    sandbox.portal.deals.setProductRows(dealId, [{ PRODUCT_ID: 1, PRICE: '60000.00', QUANTITY: 1 }]);
    sandbox.portal.deals.setStage(dealId, 'WON');

    const ts = Math.floor(Date.now() / 1000);
    for (const notice of [
      { event: 'ONCRMDEALUPDATE', ts: ts + 2 },
      { event: 'ONCRMDEALADD', ts },
      { event: 'ONCRMDEALUPDATE', ts: ts + 1 },
    ] as const) {
      for (let copy = 0; copy < 3; copy++) await deliver(dealId, notice);
    }

    const cashbackOf = (contactId: number) => env.client.workflow.getHandle(contactWorkflowId(portal, 'cashback', contactId));
    const purchasesOf = (contactId: number) => env.client.workflow.getHandle(contactWorkflowId(portal, 'purchases', contactId));
    await eventually(async () => (await purchasesOf(traveller!).query(purchasesQuery).catch(() => null))?.count === 1);
    await eventually(async () => (await cashbackOf(payer!).query(cashbackQuery).catch(() => null))?.balances.net === 4_200_00);
    expect((await purchasesOf(payer!).query(purchasesQuery)).count).toBe(1);
    await eventually(async () => (await bitrix.run(contacts.get(payer!))).loyalty.cashbackBalanceMinor === 4_200_00);

    // The manager moves the deal to LOSE: the cashback is clawed back and the trips uncounted, once.
    sandbox.portal.deals.setStage(dealId, 'LOSE');
    for (let copy = 0; copy < 3; copy++) await deliver(dealId, { event: 'ONCRMDEALUPDATE', ts: ts + 10 });
    await eventually(async () => (await cashbackOf(payer!).query(cashbackQuery)).balances.net === 0);
    await eventually(async () => (await purchasesOf(traveller!).query(purchasesQuery)).count === 0);

    const account = await cashbackOf(payer!).query(cashbackQuery);
    expect(account.history.map((e) => [e.kind, e.amount])).toEqual([
      ['accrual', 4_200_00],
      ['clawback', 4_200_00],
    ]);
    const dealHandle = env.client.workflow.getHandle(dealWorkflowId(portal, dealId));
    const dispatched = (await dealHandle.query(dealStatusQuery)).history.filter((h) => h.event !== 'no-change').map((h) => h.event);
    expect(dispatched).toEqual(['won-dispatched', 'reversal-dispatched']);
    await eventually(async () => (await bitrix.run(contacts.get(payer!))).loyalty.cashbackBalanceMinor === 0);

    // Won again later: a new lot, not a duplicate of the reversed one.
    sandbox.portal.deals.setStage(dealId, 'WON');
    await deliver(dealId, { event: 'ONCRMDEALUPDATE', ts: ts + 20 });
    await eventually(async () => (await cashbackOf(payer!).query(cashbackQuery)).balances.net === 4_200_00);
    expect((await cashbackOf(payer!).query(cashbackQuery)).lots.map((l) => l.key)).toEqual([`deal:${dealId}`, `deal:${dealId}#2`]);
    await recordHistory(dealHandle, 'deal-won-lost-won');

    // What ops see with `loyalty inspect contact`: the whole story of the payer's account.
    const report = renderContactReport(await inspectContact(env.client, portal, payer!, programme), programme).join('\n');
    expect(report).toContain('cashback: 4200.00 RUB (available 4200.00 RUB, pending 0.00 RUB, debt 0.00 RUB)');
    expect(report).toMatch(/accrual +4200\.00 RUB {2}balance 4200\.00 RUB {2}cashback on deal \d+ \(60000\.00 RUB\)/);
    expect(report).toMatch(/clawback +4200\.00 RUB {2}balance 0\.00 RUB {2}deal left the won stage for LOSE/);
    expect(report).toContain(`lot deal:${dealId}#2: 4200.00 RUB of 4200.00 RUB`);
    expect(report).toContain('purchases: 1 counted');
  });

  it('a deal won yesterday and processed today earns a lot dated by the CRM, not by the processing time', async () => {
    const { env, sandbox, taskQueue: portal } = bed;
    const payer = sandbox.portal.contacts.add({ NAME: 'Late', LAST_NAME: 'Processed' });
    portalLagMs = DAY_MS;
    const dealId = sandbox.portal.deals.add({ TITLE: 'Won yesterday', CATEGORY_ID: 0, STAGE_ID: 'NEW' });
    sandbox.portal.deals.setContacts(dealId, [{ CONTACT_ID: payer, IS_PRIMARY: 'Y' }]);
    sandbox.portal.deals.setProductRows(dealId, [{ PRODUCT_ID: 1, PRICE: '10000.00', QUANTITY: 1 }]);
    sandbox.portal.deals.setStage(dealId, 'WON');
    portalLagMs = 0;
    const wonInCrmAt = Date.parse(String(sandbox.portal.deals.get(dealId)?.MOVED_TIME));

    // Only now does the engine hear of it, as after an outage or from the reconciler.
    await deliver(dealId, { event: 'ONCRMDEALUPDATE', ts: Math.floor(Date.now() / 1000) });
    const account = env.client.workflow.getHandle(contactWorkflowId(portal, 'cashback', payer));
    await eventually(async () => (await account.query(cashbackQuery).catch(() => null))?.balances.net === 500_00);

    const [lot] = (await account.query(cashbackQuery)).lots;
    expect(Date.now() - wonInCrmAt).toBeGreaterThanOrEqual(DAY_MS);
    expect(lot?.accruedAt).toBe(wonInCrmAt);
    const expected = lotTimes(wonInCrmAt, programme.cashback, programme.timeZone);
    expect({ availableAt: lot?.availableAt, expiresAt: lot?.expiresAt }).toEqual(expected);
    expect(lot?.expiresAt).toBeLessThan(lotTimes(Date.now(), programme.cashback, programme.timeZone).expiresAt);
    const won = (await env.client.workflow.getHandle(dealWorkflowId(portal, dealId)).query(dealStatusQuery)).won;
    expect(won?.wonAt).toBe(wonInCrmAt);
  });
});
