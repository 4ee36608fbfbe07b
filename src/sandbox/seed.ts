import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { addContact } from './crm/contacts';
import { addDeal, setDealContactItems, setDealProductRows } from './crm/deals';
import { addCategory } from './crm/stages';
import { addUserField } from './crm/userfields';
import { RestError } from './envelope';
import { parseMinor } from './money';
import { type SandboxPortal } from './portal';
import { reserveId } from './state/store';
import { type SandboxSeed } from './types';

export const DEFAULT_SEED_FILE = resolve(__dirname, '../../fixtures/sandbox-company.yaml');

export function readSeedFile(file: string): SandboxSeed {
  const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
  if (!parsed || typeof parsed !== 'object') throw new Error(`${file}: a seed must be a mapping with categories/products/contacts/deals`);
  return parsed as SandboxSeed;
}

function at<T>(path: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    const message = error instanceof RestError ? error.description : error instanceof Error ? error.message : String(error);
    throw new Error(`seed ${path}: ${message}`);
  }
}

/** Loads a fixture into an empty portal as the CRM's own import would: no outgoing events. */
export function applySeed(portal: SandboxPortal, seed: SandboxSeed): void {
  portal.quietly((ctx) => {
    (seed.categories ?? []).forEach((c, i) => at(`categories[${i}]`, () => addCategory(ctx.state, c)));
    (seed.products ?? []).forEach((p, i) =>
      at(`products[${i}]`, () => {
        const priceMinor = parseMinor(p.PRICE);
        if (priceMinor === undefined) throw new Error(`PRICE "${String(p.PRICE)}" is not a decimal amount`);
        ctx.state.products.push({ id: p.ID, name: p.NAME, priceMinor, currencyId: p.CURRENCY_ID ?? 'RUB' });
        reserveId(ctx.state, 'product', p.ID);
      }),
    );
    (seed.userFields?.contact ?? []).forEach((f, i) => at(`userFields.contact[${i}]`, () => addUserField(ctx.state, 'CRM_CONTACT', f)));
    (seed.userFields?.deal ?? []).forEach((f, i) => at(`userFields.deal[${i}]`, () => addUserField(ctx.state, 'CRM_DEAL', f)));
    (seed.contacts ?? []).forEach((c, i) => at(`contacts[${i}]`, () => addContact(ctx, c, c.ID === undefined ? undefined : Number(c.ID))));
    (seed.deals ?? []).forEach((d, i) =>
      at(`deals[${i}]`, () => {
        const { PRODUCT_ROWS: rows, CONTACT_IDS: contactIds, ...fields } = d;
        const id = addDeal(ctx, fields, d.ID === undefined ? undefined : Number(d.ID));
        if (contactIds) setDealContactItems(ctx, id, contactIds.map((contactId) => ({ CONTACT_ID: contactId })));
        if (rows) setDealProductRows(ctx, id, rows);
      }),
    );
  });
}
