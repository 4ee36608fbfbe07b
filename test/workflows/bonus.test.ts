import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrmCommentActivities } from '../../activities/bonus';
import { createCashbackActivities } from '../../activities/cashback';
import { createCustomerWorkflowActivities } from '../../activities/customer-workflows';
import { createNotificationActivities } from '../../activities/notify';
import { ConflictingBonusRequestError, grantBonus } from '../../src/admin/grant-bonus';
import { contacts } from '../../src/bitrix24';
import { loadProgramme } from '../../src/config/load-programme';
import { contactWorkflowId } from '../../src/temporal/workflow-ids';
import { cashbackQuery } from '../../workflows/cashback';
import type { BonusRequest } from '../../workflows/bonus';
import { recordHistory } from '../helpers/histories';
import { startTestbed, type Testbed } from '../helpers/testbed';
import { eventually } from '../helpers/temporal';

const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

describe('admin bonus workflow (dev server)', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({
      label: 'bonus',
      server: 'dev',
      activities: ({ bitrix, env, taskQueue }) => ({
        ...createCashbackActivities(bitrix),
        ...createCrmCommentActivities(bitrix),
        ...createCustomerWorkflowActivities({ client: env.client, taskQueue, programme }),
        ...createNotificationActivities({ bitrix, programme }),
      }),
    });
  });
  afterAll(async () => bed?.stop());

  it('grants an apology bonus once when the same request arrives twice, and answers the same both times', async () => {
    const { env, sandbox, bitrix, taskQueue } = bed;
    const portal = taskQueue;
    const contactId = sandbox.portal.contacts.ids()[2]!;
    const request: BonusRequest = {
      portal,
      requestId: 'apology-2026-11-22-1',
      contactId,
      kind: 'apology',
      amountMinor: 500_00,
      amountText: '500.00 RUB',
      reason: 'delivery was two days late',
      author: 'user:12',
    };

    const [first, concurrent] = await Promise.all([grantBonus(env.client, taskQueue, request), grantBonus(env.client, taskQueue, request)]);
    const later = await grantBonus(env.client, taskQueue, request);

    expect(first).toMatchObject({ requestId: request.requestId, contactId, amountMinor: 500_00, credited: true, balanceAfterMinor: 500_00 });
    expect(concurrent).toEqual(first);
    expect(later).toEqual(first);

    const account = await env.client.workflow.getHandle(contactWorkflowId(portal, 'cashback', contactId)).query(cashbackQuery);
    expect(account.history.map((e) => [e.kind, e.amount, e.author, e.reason])).toEqual([
      ['manual-credit', 500_00, 'user:12', 'apology bonus: delivery was two days late'],
    ]);
    await eventually(async () => (await bitrix.run(contacts.get(contactId))).loyalty.cashbackBalanceMinor === 500_00);
    const comments = sandbox.portal.timeline.list('contact', contactId).filter((c) => String(c.COMMENT).includes('Apology bonus'));
    expect(comments).toHaveLength(1);
    expect(String(comments[0]!.COMMENT)).toContain('Reason: delivery was two days late');
    await recordHistory(env.client.workflow.getHandle(`loyalty/${portal}/bonus/request-${request.requestId}`), 'bonus-apology');
  });

  it('refuses a reused request id that describes a different bonus', async () => {
    const { env, sandbox, taskQueue } = bed;
    const portal = taskQueue;
    const contactId = sandbox.portal.contacts.ids()[3]!;
    const request: BonusRequest = {
      portal,
      requestId: 'review-1',
      contactId,
      kind: 'review',
      amountMinor: 300_00,
      amountText: '300.00 RUB',
      reason: 'left a five-star review',
      author: 'user:7',
    };
    await grantBonus(env.client, taskQueue, request);
    await expect(grantBonus(env.client, taskQueue, { ...request, amountMinor: 900_00 })).rejects.toThrow(ConflictingBonusRequestError);
    const account = await env.client.workflow.getHandle(contactWorkflowId(portal, 'cashback', contactId)).query(cashbackQuery);
    expect(account.balances.net).toBe(300_00);
  });
});
