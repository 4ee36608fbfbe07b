import { type SandboxHandle, type SandboxSeed } from '../../../src/sandbox';

/** Bulk deals straight into the sandbox's portal state (a real portal would need 500 REST adds). */
export function seedDealsInPortal(sandbox: SandboxHandle, count: number, tag: string): number[] {
  const ids = Array.from({ length: count }, (_, i) =>
    sandbox.portal.deals.add({ TITLE: `${tag} deal ${i}`, CATEGORY_ID: 0, CURRENCY_ID: 'RUB', OPPORTUNITY: 100 + i }),
  );
  return ids.sort((a, b) => a - b);
}

/**
 * A small fixture of our own so the suite does not depend on the sandbox's demo data: pipeline 0 with the
 * standard stage codes and pipeline 1 whose success stage is not called WON.
 */
export const CONTRACT_SEED: SandboxSeed = {
  categories: [
    {
      id: 0,
      name: 'Sales',
      stages: [
        { STATUS_ID: 'NEW', NAME: 'New', SORT: 10 },
        { STATUS_ID: 'PREPARATION', NAME: 'Preparation', SORT: 20 },
        { STATUS_ID: 'WON', NAME: 'Won', SORT: 60, SEMANTICS: 'S' },
        { STATUS_ID: 'LOSE', NAME: 'Lost', SORT: 70, SEMANTICS: 'F' },
        { STATUS_ID: 'APOLOGY', NAME: 'Analyse failure', SORT: 80, SEMANTICS: 'F' },
      ],
    },
    {
      id: 1,
      name: 'Travel club',
      sort: 200,
      stages: [
        { STATUS_ID: 'NEW', NAME: 'Request', SORT: 10 },
        { STATUS_ID: 'PAID', NAME: 'Paid', SORT: 60, SEMANTICS: 'S' },
        { STATUS_ID: 'LOSE', NAME: 'Cancelled', SORT: 70, SEMANTICS: 'F' },
      ],
    },
  ],
  contacts: [{ NAME: 'Seed', LAST_NAME: 'Contact' }],
  deals: [{ TITLE: 'Seed deal', CATEGORY_ID: 0 }],
};
