/**
 * The won deal the deal benchmarks feed: two existing customers (the payer in the Staff group, so a 15 % group
 * discount lands on the payer's share), three product rows, opened by a manager in a discount stage of the Sales
 * pipeline, moved to WON once the discount shows. And what "processed" looks like in the portal.
 */
import { LOYALTY_FIELDS } from '../src/bitrix24/loyalty-fields';
import { referralCodeFor } from '../src/domain/referral-code';
import { type SandboxHandle, type SandboxStats } from '../src/sandbox';
import { addContact, updateContact } from '../src/sandbox/crm/contacts';
import { addDeal, setDealContactItems, setDealProductRows } from '../src/sandbox/crm/deals';

export interface WonDealCustomers {
  payer: number;
  companion: number;
}

const DISCOUNT_STAGE = 'PREPARATION';
const ROWS = [
  { PRODUCT_ID: 1, PRICE: '24900.00', QUANTITY: 2 },
  { PRODUCT_ID: 4, PRICE: '1500.00', QUANTITY: 2 },
  { PRODUCT_ID: 5, PRICE: '5000.00', QUANTITY: 1 },
];

/**
 * Customers who were onboarded before (the engine already wrote their referral codes), added as an import would:
 * no events. `customersThroughCrm` measures what onboarding a new customer costs instead.
 */
export function existingCustomers(sandbox: SandboxHandle, portal: string, deals: number): WonDealCustomers[] {
  return Array.from({ length: deals }, (_, index) => ({
    payer: existingCustomer(sandbox, portal, { NAME: `Payer ${index}`, [LOYALTY_FIELDS.contact.group]: 'staff' }),
    companion: existingCustomer(sandbox, portal, { NAME: `Companion ${index}` }),
  }));
}

function existingCustomer(sandbox: SandboxHandle, portal: string, fields: Record<string, unknown>): number {
  return sandbox.portal.quietly((ctx) => {
    const id = addContact(ctx, fields);
    updateContact(ctx, id, { [LOYALTY_FIELDS.contact.referralCode]: referralCodeFor(String(id), portal) });
    return id;
  });
}

/** New customers a manager types into the CRM: each fires ONCRMCONTACTADD. */
export function customersThroughCrm(sandbox: SandboxHandle, count: number): number[] {
  return Array.from({ length: count }, (_, index) => sandbox.portal.contacts.add({ NAME: `New customer ${index}` }));
}

/** A manager creates the deal, binds the contacts and adds the rows: three portal hits, three events. */
export function openDealInCrm(sandbox: SandboxHandle, customers: WonDealCustomers): number {
  const dealId = sandbox.portal.deals.add({ TITLE: 'Kazan weekend with membership', CATEGORY_ID: 0, STAGE_ID: DISCOUNT_STAGE });
  sandbox.portal.deals.setContacts(dealId, [{ CONTACT_ID: customers.payer, IS_PRIMARY: 'Y' }, { CONTACT_ID: customers.companion }]);
  sandbox.portal.deals.setProductRows(dealId, ROWS);
  return dealId;
}

/** The same deal already in the CRM before the engine listened (no events), waiting in the stage before discounts. */
export function dealBeforeDiscountStage(sandbox: SandboxHandle, customers: WonDealCustomers): number {
  return sandbox.portal.quietly((ctx) => {
    const dealId = addDeal(ctx, { TITLE: 'Kazan weekend with membership', CATEGORY_ID: 0, STAGE_ID: 'NEW' });
    setDealContactItems(ctx, dealId, [{ CONTACT_ID: customers.payer, IS_PRIMARY: 'Y' }, { CONTACT_ID: customers.companion }]);
    setDealProductRows(ctx, dealId, ROWS);
    return dealId;
  });
}

export function moveToDiscountStage(sandbox: SandboxHandle, dealId: number): void {
  sandbox.portal.deals.setStage(dealId, DISCOUNT_STAGE);
}

export function winDeal(sandbox: SandboxHandle, dealId: number): void {
  sandbox.portal.deals.setStage(dealId, 'WON');
}

export function discountShown(sandbox: SandboxHandle, dealId: number): boolean {
  return sandbox.portal.deals.productRows(dealId).some((row) => Number(row.DISCOUNT_SUM) > 0);
}

/** The win reached the CRM: the payer's cashback balance and both customers' purchase counts are projected. */
export function winProjected(sandbox: SandboxHandle, customers: WonDealCustomers): boolean {
  const field = (contactId: number, name: string): number => Number(sandbox.portal.contacts.get(contactId)?.[name] ?? 0);
  return (
    field(customers.payer, LOYALTY_FIELDS.contact.cashbackBalance) > 0 &&
    field(customers.payer, LOYALTY_FIELDS.contact.purchaseCount) >= 1 &&
    field(customers.companion, LOYALTY_FIELDS.contact.purchaseCount) >= 1
  );
}

/** What the portal received between two stats snapshots. */
export interface PortalTraffic {
  httpRequests: number;
  restCommands: number;
  rejected503: number;
  eventsDelivered: number;
  byMethod: Record<string, number>;
}

export function trafficBetween(before: SandboxStats, after: SandboxStats): PortalTraffic {
  const byMethod: Record<string, number> = {};
  for (const [method, count] of Object.entries(after.byMethod)) {
    const delta = count - (before.byMethod[method] ?? 0);
    if (delta > 0) byMethod[method] = delta;
  }
  return {
    httpRequests: after.httpRequests - before.httpRequests,
    restCommands: after.restCommands - before.restCommands,
    rejected503: after.rejected503 - before.rejected503,
    eventsDelivered: after.eventsDelivered - before.eventsDelivered,
    byMethod,
  };
}

/** Per-deal figures of some traffic, rounded to 0.01. */
export function perDeal(traffic: PortalTraffic, deals: number): PortalTraffic {
  const each = (n: number): number => Math.round((n / deals) * 100) / 100;
  return {
    httpRequests: each(traffic.httpRequests),
    restCommands: each(traffic.restCommands),
    rejected503: each(traffic.rejected503),
    eventsDelivered: each(traffic.eventsDelivered),
    byMethod: Object.fromEntries(Object.entries(traffic.byMethod).map(([method, count]) => [method, each(count)])),
  };
}
