import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProgramme } from '../../src/config/load-programme';
import { contactWorkflowId } from '../../src/temporal/workflow-ids';
import { referralStatusQuery } from '../../workflows/referral';
import { eventually } from '../helpers/temporal';
import { useEngineTestbed } from '../helpers/testbed';

const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

describe('linking a referrer survives a crash between its two steps (dev server)', () => {
  const engine = useEngineTestbed('link-retry', 'dev', programme);

  it('a retry the referrer answers "already linked" still tells the referred contact who referred them', async () => {
    const { env, sandbox, taskQueue: portal } = engine.bed;
    const referrerId = sandbox.portal.contacts.add({ NAME: 'Referrer' });
    const referredId = sandbox.portal.contacts.add({ NAME: 'Friend' });
    const referred = env.client.workflow.getHandle(contactWorkflowId(portal, 'referral', referredId));

    expect((await engine.activities.linkReferrer({ portal, referredId, referrerId, at: Date.now() })).kind).toBe('linked');
    await eventually(async () => (await referred.query(referralStatusQuery).catch(() => null))?.referrerId === referrerId);

    // The referred contact's side is lost, as when the activity crashed after the referrer's update; the retry comes
    // to a referrer run that no longer remembers the update id (a new attempt time stands in for that).
    await referred.terminate('test: the referred side of the link was never told');
    // A fresh run of the referred contact's workflow (any message starts one) knows no referrer.
    await engine.activities.tellQualifiedAsReferred({ portal, referredId, dealId: 'none' });
    expect((await referred.query(referralStatusQuery)).referrerId).toBeNull();
    const retry = await engine.activities.linkReferrer({ portal, referredId, referrerId, at: Date.now() + 1 });
    expect(retry).toEqual({ kind: 'unchanged', reason: `contact ${referredId} is already linked to referrer ${referrerId}` });
    await eventually(async () => (await referred.query(referralStatusQuery).catch(() => null))?.referrerId === referrerId);
  });
});
