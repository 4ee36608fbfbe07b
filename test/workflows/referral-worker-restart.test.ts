import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ContactComment } from '../../activities/bonus';
import type { CashbackCreditRequest } from '../../activities/customer-workflows';
import type { ReferralStandingProjection } from '../../activities/referral';
import { loadProgramme } from '../../src/config/load-programme';
import type { WonDeal } from '../../src/domain/referral';
import {
  contactDeletedSignal,
  linkReferredUpdate,
  referral,
  referralStatusQuery,
  referredDealWonSignal,
  type ReferralMemory,
} from '../../workflows/referral';
import { connectToDevServer, eventually, startWorker, uniqueTaskQueue } from '../helpers/temporal';
import { recordHistory } from '../helpers/histories';

// Tiers 3 → 5 %, 10 → 10 %; welcome cashback 500.00; first deals of at least 1000.00 in pipeline 0 qualify.
const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));
const REFERRER = 7;

function wonDeal(contactId: number, dealId: number, isFirstWonDeal = true): WonDeal {
  return { dealId: String(dealId), contactId: String(contactId), pipelineId: 0, amountMinor: 2_000_00, wonAt: Date.UTC(2026, 2, 1) + dealId, isFirstWonDeal };
}

describe('referral workflow on the dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectToDevServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('survives a worker restart without repeating a completed CRM write or reward', async () => {
    const taskQueue = uniqueTaskQueue('referral-restart');
    const projections: ReferralStandingProjection[] = [];
    const comments: ContactComment[] = [];
    const credits: CashbackCreditRequest[] = [];
    const told: string[] = [];
    const notices: string[] = [];
    const activities = {
      projectReferralStanding: async (p: ReferralStandingProjection) => void projections.push(p),
      commentOnContact: async (c: ContactComment) => comments.push(c),
      creditCashback: async (c: CashbackCreditRequest) => {
        credits.push(c);
        return { credited: true, balances: { available: c.amountMinor, pending: 0, debt: 0, net: c.amountMinor } };
      },
      tellQualifiedAsReferred: async ({ dealId }: { dealId: string }) => void told.push(dealId),
      notifyManager: async ({ notification }: { notification: { kind: string } }) => {
        notices.push(notification.kind);
        return 'sent' as const;
      },
    };
    const workflowId = `loyalty/test/referral/contact-${taskQueue}`;

    const first = await startWorker(env.nativeConnection, { taskQueue, activities });
    const handle = await env.client.workflow.start(referral, { taskQueue, workflowId, args: [{ portal: taskQueue, contactId: REFERRER, programme }] });
    for (const referredId of [101, 102, 103]) {
      const link = { referredId, at: Date.UTC(2026, 1, 1), referredIsExistingCustomer: false, referrerAncestors: [], referredCurrentReferrerId: null };
      expect((await handle.executeUpdate(linkReferredUpdate, { args: [link] })).kind).toBe('linked');
    }
    await handle.signal(referredDealWonSignal, wonDeal(101, 1));
    await handle.signal(referredDealWonSignal, wonDeal(102, 2));
    await eventually(async () => projections.at(-1)?.referralCount === 2);
    await first.stop();

    // While no worker runs, the signals wait durably in the workflow's history.
    await handle.signal(referredDealWonSignal, wonDeal(102, 3, false));
    await handle.signal(referredDealWonSignal, wonDeal(103, 4));
    await handle.signal(referredDealWonSignal, wonDeal(103, 4));

    const second = await startWorker(env.nativeConnection, { taskQueue, activities });
    try {
      await eventually(async () => projections.at(-1)?.referralCount === 3);
      await handle.signal(contactDeletedSignal);
      const final = (await handle.result()) as ReferralMemory;
      expect(Object.values(final.referrals.qualifications).map((q) => [q.dealId, q.referredId])).toEqual([
        ['1', '101'],
        ['2', '102'],
        ['4', '103'],
      ]);
      const decided = final.history.filter((h) => h.decision !== undefined).map((h) => h.decision?.kind === 'not-qualified' ? h.decision.notQualified : h.event);
      expect(decided).toEqual(['linked', 'linked', 'linked', 'qualified', 'qualified', 'not-first-deal', 'qualified', 'duplicate']);
      expect(final.history.at(-1)).toMatchObject({ event: 'contact-deleted' });

      // Each CRM state, comment and reward exactly once, although the new worker replayed the whole history.
      const written = projections.map((w) => `${w.referralCount}@${w.discountBasisPoints}`);
      expect(new Set(written).size).toBe(written.length);
      expect(written.slice(-2)).toEqual(['2@0', '3@500']);
      const references = comments.map((c) => c.reference);
      expect(new Set(references).size).toBe(references.length);
      expect(credits.map((c) => c.key)).toEqual(['referral-welcome:101', 'referral-welcome:102', 'referral-welcome:103']);
      expect(told).toEqual(['1', '2', '4']);
      expect(notices).toEqual(['referralNew', 'referralNew', 'referralNew', 'thresholdReached']);
      const view = await handle.query(referralStatusQuery);
      expect(view.discount).toMatchObject({ percent: 500, qualifiedCount: 3 });
      await recordHistory(handle, 'referral-programme-worker-restart');
    } finally {
      await second.stop();
    }
  });
});
