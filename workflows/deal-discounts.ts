import * as wf from '@temporalio/workflow';
import type { ContactFactsActivities, ContactWorkflowFacts, DiscountContext } from '../activities/contact-facts';
import type { DealActivities, DealDiscountFacts, DealFacts, DealLoyaltyFields } from '../activities/deal';
import type { DealDiscountMessageActivities } from '../activities/deal-discounts';
import { planDealDiscounts, type DealContactFacts, type DealDiscountPlan } from '../src/domain/deal-discounts';
import { baseRowsFromBitrix, rowsUnchanged } from '../src/domain/product-rows';
import { textDigest } from '../src/domain/text-digest';
import { bitrix24Activities, WORKFLOW_MESSAGE } from './activity-options';

/**
 * The discount part of the deal workflow: while a deal is in progress in a discount stage, every wake-up plans its
 * discounts from the domain (src/domain/deal-discounts.ts), settles what they use up with the customers' workflows
 * (the payer's cashback redemption, each contact's group grant for the day), then writes rows and fields only if they
 * differ from the deal's and comments once per distinct explanation. A lost or deleted deal gives both back.
 */
export interface DealDiscountMemory {
  /** What the payer's cashback account holds as redeemed for this deal. */
  redemption: { contactId: number; key: string; amountMinor: number } | null;
  /** Redemption keys used so far: a changed amount is a new key (`deal:<id>#<n>`), the old one returned. */
  redemptionSeq: number;
  /** Group grants recorded in the contacts' usage workflows. */
  groupGrants: { contactId: number; groupId: string; amountMinor: number }[];
  /** Reference of the last timeline comment, so an unchanged explanation is not looked up again. */
  commentReference: string | null;
}

export type DiscountOutcome = 'applied' | 'unchanged';

export function emptyDiscountMemory(): DealDiscountMemory {
  return { redemption: null, redemptionSeq: 0, groupGrants: [], commentReference: null };
}

const facts = wf.proxyActivities<ContactFactsActivities>(WORKFLOW_MESSAGE);
const customers = wf.proxyActivities<DealDiscountMessageActivities>(WORKFLOW_MESSAGE);
const crm = bitrix24Activities<DealActivities>();

/** Group allowances settle within a couple of rounds: a cut grant is re-planned once and then fits. */
const MAX_PLANNING_ROUNDS = 4;

interface Planning {
  deal: DealFacts;
  discounts: DealDiscountFacts;
  context: DiscountContext;
  memory: DealDiscountMemory;
  /** Contact id → group id → what other deals used today, as the usage workflows last answered. */
  usedByOthers: Map<number, Record<string, number>>;
  refusal?: string;
}

function contactFacts(planning: Planning, contact: ContactWorkflowFacts): DealContactFacts {
  const groupIds = planning.discounts.contactGroups.find((c) => c.contactId === contact.contactId)?.groupIds ?? [];
  return {
    contactId: String(contact.contactId),
    referralPercent: contact.referralPercent,
    purchaseCount: contact.purchaseCount,
    birthdayWindowActive: contact.birthdayWindowActive,
    groupIds,
    groupGrantedTodayMinor: planning.usedByOthers.get(contact.contactId) ?? contact.groupGrantedTodayMinor,
  };
}

function plan(planning: Planning): DealDiscountPlan {
  const { deal, discounts, context, memory } = planning;
  const payer = deal.primaryContactId;
  const payerFacts = context.contacts.find((c) => c.contactId === payer);
  // What this deal redeemed before is given back before a new amount is redeemed, so it counts as available.
  const ownRedemption = memory.redemption?.contactId === payer ? memory.redemption.amountMinor : 0;
  return planDealDiscounts(context.programme, {
    deal: { pipelineId: deal.pipelineId, stageId: deal.stageId },
    currency: deal.currency,
    rows: baseRowsFromBitrix(discounts.rows),
    contacts: context.contacts.map((contact) => contactFacts(planning, contact)),
    cashback:
      payer === null || discounts.cashbackToRedeemMinor <= 0
        ? null
        : {
            contactId: String(payer),
            requestedMinor: discounts.cashbackToRedeemMinor,
            availableMinor: (payerFacts?.cashbackAvailableMinor ?? 0) + ownRedemption,
            ...(planning.refusal === undefined ? {} : { refusal: planning.refusal }),
          },
  });
}

/** Brings the recorded group grants in line with the plan; true when a daily limit cut one (plan again). */
async function settleGroupGrants(planning: Planning, current: DealDiscountPlan, portal: string): Promise<boolean> {
  const { memory, context, deal } = planning;
  let cut = false;
  for (const contact of context.contacts) {
    const wanted = current.contacts.find((c) => c.contactId === String(contact.contactId))?.groupGranted ?? null;
    const recorded = memory.groupGrants.filter((g) => g.contactId === contact.contactId);
    const stale = recorded.filter((g) => g.groupId !== wanted?.groupId);
    for (const grant of stale) {
      const group = context.programme.groups.find((g) => g.id === grant.groupId);
      if (group !== undefined) await customers.recordGroupGrant({ portal, contactId: contact.contactId, dealId: deal.dealId, day: context.day, group, requestedMinor: 0 });
    }
    memory.groupGrants = memory.groupGrants.filter((g) => !stale.includes(g));
    if (wanted === null || recorded.some((g) => g.groupId === wanted.groupId && g.amountMinor === wanted.amountMinor)) continue;
    const group = context.programme.groups.find((g) => g.id === wanted.groupId);
    if (group === undefined) continue;
    const { allowedMinor } = await customers.recordGroupGrant({ portal, contactId: contact.contactId, dealId: deal.dealId, day: context.day, group, requestedMinor: wanted.amountMinor });
    memory.groupGrants = [...memory.groupGrants.filter((g) => !(g.contactId === contact.contactId && g.groupId === group.id)), { contactId: contact.contactId, groupId: group.id, amountMinor: allowedMinor }];
    if (allowedMinor < wanted.amountMinor && group.dailyLimitMinor !== null) {
      const used = planning.usedByOthers.get(contact.contactId) ?? { ...contact.groupGrantedTodayMinor };
      planning.usedByOthers.set(contact.contactId, { ...used, [group.id]: group.dailyLimitMinor - allowedMinor });
      cut = true;
    }
  }
  return cut;
}

/** Brings the payer's redemption in line with the plan; true when the account refused it (plan again without it). */
async function settleRedemption(planning: Planning, current: DealDiscountPlan, portal: string): Promise<boolean> {
  const { memory, deal } = planning;
  const payer = deal.primaryContactId;
  const wanted = current.cashback.status === 'applied' && payer !== null ? { contactId: payer, amountMinor: current.cashback.amountMinor } : null;
  const held = memory.redemption;
  if (held?.contactId === wanted?.contactId && held?.amountMinor === wanted?.amountMinor) return false;
  if (held !== null) {
    await customers.returnCashback({ portal, ...held, reason: `cashback redeemed on deal ${deal.dealId} returned: the redemption changed` });
    memory.redemption = null;
  }
  if (wanted === null) return false;
  memory.redemptionSeq += 1;
  const key = `deal:${deal.dealId}#${memory.redemptionSeq}`;
  const answer = await customers.redeemCashback({ portal, ...wanted, key, reason: `paid part of deal ${deal.dealId}` });
  if (answer.accepted) {
    memory.redemption = { ...wanted, key };
    return false;
  }
  planning.refusal = answer.reason;
  return true;
}

function sameFields(a: DealLoyaltyFields, b: DealLoyaltyFields): boolean {
  return a.status === b.status && a.appliedDiscounts === b.appliedDiscounts && a.rowMarkers === b.rowMarkers;
}

/** Plans, settles and writes the deal's discounts; returns whether anything was written. */
export async function applyDealDiscounts(portal: string, deal: DealFacts, discounts: DealDiscountFacts, memory: DealDiscountMemory): Promise<DiscountOutcome> {
  const context = await facts.readDiscountContext({ portal, dealId: deal.dealId, contacts: discounts.contactGroups });
  const planning: Planning = { deal, discounts, context, memory, usedByOthers: new Map() };
  let current = plan(planning);
  for (let round = 1; ; round++) {
    const replan = (await settleGroupGrants(planning, current, portal)) || (await settleRedemption(planning, current, portal));
    if (!replan || round >= MAX_PLANNING_ROUNDS) break;
    current = plan(planning);
  }

  const fields: DealLoyaltyFields = { status: current.status, appliedDiscounts: current.applied, rowMarkers: current.rowMarkers ?? discounts.fields.rowMarkers };
  const rowsToWrite = current.rows !== null && !rowsUnchanged(discounts.rows, current.rows.rows) ? current.rows.rows.map((row) => row.fields) : null;
  const write = rowsToWrite !== null || !sameFields(fields, discounts.fields);
  if (write) {
    await crm.writeDealDiscounts({ portal, dealId: deal.dealId, currencyId: deal.currency ?? context.programme.currency, rows: rowsToWrite, fields });
  }
  const reference = `deal-${deal.dealId}-discounts-${textDigest(current.comment)}`;
  if (memory.commentReference !== reference) {
    await crm.commentDealOnce({ portal, dealId: deal.dealId, comment: current.comment, reference });
    memory.commentReference = reference;
  }
  return write ? 'applied' : 'unchanged';
}

/** A lost or deleted deal: the payer gets the redeemed cashback back and the contacts their group allowance. */
export async function releaseDealDiscounts(portal: string, dealId: number, memory: DealDiscountMemory, reason: string): Promise<boolean> {
  const held = memory.redemption;
  const contactIds = [...new Set(memory.groupGrants.map((g) => g.contactId))];
  if (held === null && contactIds.length === 0) return false;
  if (held !== null) await customers.returnCashback({ portal, ...held, reason: `cashback redeemed on deal ${dealId} returned: ${reason}` });
  if (contactIds.length > 0) await customers.releaseGroupGrants({ portal, contactIds, dealId });
  memory.redemption = null;
  memory.groupGrants = [];
  return true;
}
