import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPurchaseActivities } from '../../activities/purchases';
import { contacts } from '../../src/bitrix24';
import { loadProgramme } from '../../src/config/load-programme';
import { purchases, purchasesQuery, purchaseReversedSignal, purchaseWonSignal } from '../../workflows/purchases';
import { recordHistory } from '../helpers/histories';
import { eventually } from '../helpers/temporal';
import { startTestbed, type Testbed } from '../helpers/testbed';

// The example programme: purchases count in pipelines 0 (Sales) and 1 (Travel club); 2 → 3 %, 5 → 7 %.
const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

describe('purchase-count workflow (dev server)', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({ label: 'purchases', server: 'dev', activities: ({ bitrix }) => createPurchaseActivities(bitrix) });
  });
  afterAll(async () => bed?.stop());

  it('grows the discount with trips, ignores repeats and other pipelines, and gives a reversed trip back', async () => {
    const { env, sandbox, bitrix, taskQueue } = bed;
    const contactId = sandbox.portal.contacts.ids()[1]!;
    const handle = await env.client.workflow.start(purchases, {
      taskQueue,
      workflowId: `loyalty/${taskQueue}/purchases/contact-${contactId}`,
      args: [{ portal: taskQueue, contactId, programme }],
    });
    const won = (dealId: number, pipelineId: number) => handle.signal(purchaseWonSignal, { dealId, pipelineId, wonAt: Date.UTC(2026, 0, dealId) });

    await won(1, 1);
    await won(2, 0);
    await won(2, 0); // the same event again
    await won(3, 5); // a service deal: this pipeline does not count purchases
    await eventually(async () => (await handle.query(purchasesQuery)).history.length === 4);
    expect(await handle.query(purchasesQuery)).toMatchObject({ count: 2, percent: 300 });

    await won(4, 1);
    await won(5, 1);
    await won(6, 0);
    await eventually(async () => (await handle.query(purchasesQuery)).count === 5);
    expect((await handle.query(purchasesQuery)).percent).toBe(700);

    await handle.signal(purchaseReversedSignal, { dealId: 4 });
    await handle.signal(purchaseReversedSignal, { dealId: 4 });
    await eventually(async () => (await handle.query(purchasesQuery)).history.length === 9);
    const view = await handle.query(purchasesQuery);
    expect(view).toMatchObject({ count: 4, percent: 300 });
    expect(view.history.map((d) => d.kind)).toEqual(['counted', 'counted', 'ignored', 'ignored', 'counted', 'counted', 'counted', 'uncounted', 'ignored']);
    expect(view.history[3]!.reason).toBe('pipeline Service does not count purchases');

    await eventually(async () => (await bitrix.run(contacts.get(contactId))).loyalty.purchaseCount === 4);
    await recordHistory(handle, 'purchases-trips');
  });
});
