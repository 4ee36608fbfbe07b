import { LOYALTY_FIELDS } from '../bitrix24/loyalty-fields';
import { applicabilityOf, earnsIn, type Programme } from '../domain/programme';
import { BIRTHDAY_CUSTOMER, IN_PROGRESS_STAGE, SALES_PIPELINE, WON_STAGE } from './cast';
import {
  amountMinor,
  birthdateCelebratedToday,
  birthdayWindowOpenAt,
  cashbackEarned,
  dealTotalMinor,
  expectedDealDiscounts,
  money,
  spendableAtOnce,
} from './expectations';
import type { Scene } from './scene';

/**
 * Chapter 2: a customer with his birthday today and cashback from an earlier trip books a new one. The manager puts
 * the deal in a discount stage with cashback to redeem; the engine writes the birthday discount and the cashback
 * payment into the product rows, the deal's status field and a timeline comment. Then the deal is won and earns
 * cashback on what was actually paid.
 */
export async function birthdayChapter(scene: Scene): Promise<void> {
  const { user, view, log, programme } = scene;
  const { person, earlierDeal, birthdayDeal } = BIRTHDAY_CUSTOMER;
  const today = scene.now();
  const birthdate = birthdateCelebratedToday(programme, today);
  const contactId = user.addContact(person, { BIRTHDATE: birthdate });
  log.introduce(contactId, person.firstName, 'birthday today');
  const windowOpen = birthdayWindowOpenAt(programme, birthdate, today);
  await log.expect({
    contactId,
    what: 'birthday discount window (CRM flag)',
    expected: windowOpen,
    read: () => view.contact(contactId).loyalty.birthdayWindow,
    show: (open) => (open ? 'open' : 'closed'),
  });
  // The deal workflow asks the birthday workflow, which may answer a moment after the CRM flag is written.
  await log.expect({ contactId, what: 'birthday workflow window', expected: windowOpen, read: () => view.birthdayWindowOpen(contactId), show: (open) => (open ? 'open' : 'closed') });

  const earlierId = user.addDeal(earlierDeal, { contactId, pipelineId: SALES_PIPELINE, stageId: IN_PROGRESS_STAGE });
  user.moveDeal(earlierId, WON_STAGE);
  const earlierTotal = dealTotalMinor(programme, earlierDeal);
  const earned = cashbackEarned(programme, SALES_PIPELINE, earlierTotal, 0);
  log.tell(contactId, `earlier deal ${earlierId} won: ${money(programme, earlierTotal)}, cashback ${money(programme, earned)}`);
  await log.expect({ contactId, what: 'cashback balance after the earlier trip', expected: earned, read: () => view.contact(contactId).loyalty.cashbackBalanceMinor ?? 0, show: (minor) => money(programme, minor) });

  const stageId = discountStageOf(programme, SALES_PIPELINE);
  const requestedMinor = amountMinor(programme, BIRTHDAY_CUSTOMER.cashbackToRedeem);
  const dealId = user.addDeal(birthdayDeal, {
    contactId,
    pipelineId: SALES_PIPELINE,
    stageId,
    fields: { [LOYALTY_FIELDS.deal.cashbackToRedeem]: BIRTHDAY_CUSTOMER.cashbackToRedeem },
  });
  const plan = expectedDealDiscounts(programme, {
    contactId,
    pipelineId: SALES_PIPELINE,
    stageId,
    deal: birthdayDeal,
    purchaseCount: earnsIn(programme, 'purchaseCount', SALES_PIPELINE) ? 1 : 0,
    birthdayWindowActive: windowOpen,
    cashbackAvailableMinor: spendableAtOnce(programme) ? earned : 0,
    cashbackRequestedMinor: requestedMinor,
  });
  const baseTotal = dealTotalMinor(programme, birthdayDeal);
  const paidTotal = plan.rows?.totalMinor ?? baseTotal;
  log.tell(contactId, `deal ${dealId} in stage ${stageId}, ${money(programme, requestedMinor)} cashback to redeem: ${money(programme, baseTotal)} → ${money(programme, paidTotal)}`);
  await log.expect({ contactId, what: `deal ${dealId} total after discounts`, expected: paidTotal, read: () => view.deal(dealId).opportunityMinor ?? 0, show: (minor) => money(programme, minor) });
  await log.expect({ contactId, what: `deal ${dealId} loyalty status`, expected: plan.status, read: () => view.deal(dealId).loyalty.status ?? '', show: (text) => `"${text}"` });
  await log.expect({
    contactId,
    what: `deal ${dealId} timeline explains the discounts`,
    expected: true,
    read: () => view.dealComments(dealId).some((comment) => comment.startsWith(plan.comment)),
    show: (found) => (found ? 'comment present' : 'no such comment'),
  });
  const redeemed = plan.cashback.amountMinor;
  await log.expect({ contactId, what: 'cashback balance after paying with it', expected: earned - redeemed, read: () => view.contact(contactId).loyalty.cashbackBalanceMinor ?? 0, show: (minor) => money(programme, minor) });

  user.moveDeal(dealId, WON_STAGE);
  const earnedAgain = cashbackEarned(programme, SALES_PIPELINE, paidTotal, earlierTotal);
  log.tell(contactId, `deal ${dealId} won: cashback ${money(programme, earnedAgain)} on the ${money(programme, paidTotal)} paid`);
  await log.expect({
    contactId,
    what: 'cashback balance after the birthday trip',
    expected: earned - redeemed + earnedAgain,
    read: () => view.contact(contactId).loyalty.cashbackBalanceMinor ?? 0,
    show: (minor) => money(programme, minor),
  });
}

function discountStageOf(programme: Programme, pipelineId: number): string {
  const stage = applicabilityOf(programme, pipelineId)?.discountStages[0];
  if (stage === undefined) throw new Error(`the demo story needs a discount stage in pipeline ${pipelineId}: the rules file's applicability lists none`);
  return stage;
}
