import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ReferrerProjection } from '../../activities/referral';
import {
  referral,
  referralStatusQuery,
  referredDealWonSignal,
  referrerDeletedSignal,
  type ReferralState,
} from '../../workflows/referral';
import { connectToDevServer, eventually, startWorker, uniqueTaskQueue } from '../helpers/temporal';
import { recordHistory } from '../helpers/histories';

const thresholds = [
  { referrals: 3, percent: 5 },
  { referrals: 10, percent: 10 },
];

describe('referral workflow on the dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectToDevServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('survives a worker restart without repeating a completed CRM write', async () => {
    const taskQueue = uniqueTaskQueue('referral-restart');
    const writes: ReferrerProjection[] = [];
    const activities = { projectReferrerStatus: async (p: ReferrerProjection) => void writes.push(p) };
    const workflowId = `loyalty/test/referral/contact-${taskQueue}`;

    const first = await startWorker(env.nativeConnection, { taskQueue, activities });
    const handle = await env.client.workflow.start(referral, {
      taskQueue,
      workflowId,
      args: [{ portal: 'test', referrerContactId: 7, thresholds }],
    });
    await handle.signal(referredDealWonSignal, { referredContactId: 101, dealId: 1 });
    await handle.signal(referredDealWonSignal, { referredContactId: 102, dealId: 2 });
    await eventually(async () => (await handle.query(referralStatusQuery)).projected?.qualifiedReferrals === 2);
    await first.stop();

    // While no worker runs, the signals wait durably in the workflow's history.
    await handle.signal(referredDealWonSignal, { referredContactId: 102, dealId: 3 });
    await handle.signal(referredDealWonSignal, { referredContactId: 103, dealId: 4 });
    await handle.signal(referrerDeletedSignal);

    const second = await startWorker(env.nativeConnection, { taskQueue, activities });
    try {
      const final: ReferralState = await handle.result();
      expect(final.qualifiedContactIds).toEqual([101, 102, 103]);
      expect(final.discountPercent).toBe(5);
      expect(final.history.map((h) => h.kind)).toEqual([
        'qualified',
        'qualified',
        'duplicate-ignored',
        'qualified',
        'discount-raised',
      ]);
      const written = writes.map((w) => `${w.qualifiedReferrals}@${w.discountPercent}`);
      // Each distinct CRM state written exactly once, although the new worker replayed the whole history.
      expect(new Set(written).size).toBe(written.length);
      expect(written.at(-1)).toBe('3@5');
      expect(written).not.toContain('0@0');
      await recordHistory(handle, 'referral-worker-restart');
    } finally {
      await second.stop();
    }
  });
});

