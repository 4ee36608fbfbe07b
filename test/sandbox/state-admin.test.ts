import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox';
import { call, post, resultOf } from './helpers';

describe('sandbox state, seed and admin API', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seeds the default travel-club company', async () => {
    const sandbox = await startSandbox({ limits: false });
    try {
      expect(sandbox.portal.categories().map((c) => c.name)).toEqual(['Sales', 'Travel club']);
      expect(sandbox.portal.stages(0).map((s) => s.STATUS_ID)).toContain('WON');
      expect(sandbox.portal.contacts.get(2)).toMatchObject({ UF_CRM_LOYALTY_REFERRER: '1', BIRTHDATE: '1979-11-02T00:00:00+03:00' });
      expect(sandbox.portal.deals.get(1)).toMatchObject({ STAGE_ID: 'C1:WON', STAGE_SEMANTIC_ID: 'S', OPPORTUNITY: '52800.00' });
    } finally {
      await sandbox.stop();
    }
  });

  it('seeds from a YAML file and names the bad entry when a fixture is invalid', async () => {
    const file = join(dir, 'seed.yaml');
    writeFileSync(file, 'categories:\n  - id: 0\n    name: Only\n    stages: [{ STATUS_ID: NEW, NAME: New }, { STATUS_ID: WON, NAME: Won, SEMANTICS: S }]\ndeals:\n  - { ID: 7, TITLE: Seven }\n');
    const sandbox = await startSandbox({ limits: false, seed: file });
    try {
      expect(sandbox.portal.deals.ids()).toEqual([7]);
      expect(resultOf<number>(await call(sandbox, 'crm.deal.add', { fields: { TITLE: 'next' } }))).toBe(8);
    } finally {
      await sandbox.stop();
    }
    await expect(startSandbox({ seed: { categories: [{ id: 0, name: 'Broken', stages: [{ STATUS_ID: 'NEW', NAME: 'New' }] }] } })).rejects.toThrow(
      /seed categories\[0\]: .*exactly one success stage/,
    );
  });

  it('persists state to a snapshot file and loads it on the next start', async () => {
    const snapshotFile = join(dir, 'snapshot.json');
    const first = await startSandbox({ limits: false, snapshotFile });
    const id = resultOf<number>(await call(first, 'crm.deal.add', { fields: { TITLE: 'Persisted' } }));
    await first.stop();
    const second = await startSandbox({ limits: false, snapshotFile });
    try {
      expect(second.portal.deals.get(id)).toMatchObject({ TITLE: 'Persisted' });
    } finally {
      await second.stop();
    }
  });

  it('serves inspection and manager-action endpoints', async () => {
    const sandbox = await startSandbox({ limits: false });
    try {
      await call(sandbox, 'crm.timeline.comment.add', { fields: { ENTITY_TYPE: 'deal', ENTITY_ID: 2, COMMENT: 'note' } });
      const deal = (await (await fetch(`${sandbox.baseUrl}/sandbox/deals/2`)).json()) as Record<string, unknown>;
      expect(deal).toMatchObject({ deal: { ID: '2' }, contacts: [{ CONTACT_ID: 2 }], productRows: [{ PRODUCT_ID: 2 }], timeline: [{ COMMENT: 'note' }] });
      expect((await fetch(`${sandbox.baseUrl}/sandbox/contacts/1`)).status).toBe(200);
      expect((await fetch(`${sandbox.baseUrl}/sandbox/deals/999`)).status).toBe(404);
      await post(`${sandbox.baseUrl}/sandbox/deals/2/category`, { categoryId: 0 });
      await post(`${sandbox.baseUrl}/sandbox/deals/2/product-rows`, { rows: [{ PRODUCT_ID: 4, PRICE: 1500, QUANTITY: 3 }] });
      expect(sandbox.portal.deals.get(2)).toMatchObject({ CATEGORY_ID: '0', STAGE_ID: 'NEW', OPPORTUNITY: '4500.00' });
      await post(`${sandbox.baseUrl}/sandbox/faults`, { seed: 1, errorRates: { 500: 1 } });
      expect((await call(sandbox, 'crm.deal.get', { id: 1 })).status).toBe(500);
      await post(`${sandbox.baseUrl}/sandbox/faults`, {});
      const stats = (await (await fetch(`${sandbox.baseUrl}/sandbox/stats`)).json()) as { httpRequests: number; byMethod: Record<string, number> };
      expect(stats.byMethod['crm.deal.get']).toBe(1);
      const reseeded = await post(`${sandbox.baseUrl}/sandbox/seed`, { categories: [{ id: 0, name: 'S', stages: [{ STATUS_ID: 'NEW', NAME: 'N' }, { STATUS_ID: 'WON', NAME: 'W', SEMANTICS: 'S' }] }] });
      expect(reseeded.body).toMatchObject({ ok: true, deals: 0, contacts: 0 });
    } finally {
      await sandbox.stop();
    }
  });
});
