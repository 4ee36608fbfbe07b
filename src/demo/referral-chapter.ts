import { LOYALTY_FIELDS } from '../bitrix24/loyalty-fields';
import { IN_PROGRESS_STAGE, REFERRED_FRIENDS, REFERRER, SALES_PIPELINE, WON_STAGE } from './cast';
import { dealTotalMinor, expectedReferrals, money, percent, type ReferredPurchase } from './expectations';
import type { Scene } from './scene';

/**
 * Chapter 1: a customer brings three friends. The manager enters them with the "referred by" field set; once the
 * engine has linked them, each friend's first deal is won, and the referrer's referral discount follows the tiers.
 * Returns the referrer's contact id.
 */
export async function referralChapter(scene: Scene): Promise<number> {
  const { user, view, log, programme } = scene;
  const referrerId = user.addContact(REFERRER);
  log.introduce(referrerId, REFERRER.firstName, 'referrer');
  const friends = REFERRED_FRIENDS.map((friend) => {
    const contactId = user.addContact(friend.person, { [LOYALTY_FIELDS.contact.referrer]: String(referrerId) });
    log.introduce(contactId, friend.person.firstName, `referred by ${REFERRER.firstName}`);
    return { ...friend, contactId };
  });

  // A friend whose deal is won before the link exists would count as an existing customer: links first.
  for (const friend of friends) {
    await log.expect({
      contactId: friend.contactId,
      what: 'referrer linked',
      expected: referrerId,
      read: async () => (await view.referral(friend.contactId)).referrerId,
      show: (id) => (id === null ? 'none' : `contact ${id}`),
    });
  }

  const purchases: ReferredPurchase[] = friends.map((friend) => {
    const dealId = user.addDeal(friend.firstDeal, { contactId: friend.contactId, pipelineId: SALES_PIPELINE, stageId: IN_PROGRESS_STAGE });
    user.moveDeal(dealId, WON_STAGE);
    const amountMinor = dealTotalMinor(programme, friend.firstDeal);
    log.tell(friend.contactId, `first deal ${dealId} won: ${money(programme, amountMinor)}`);
    return { contactId: friend.contactId, dealId, pipelineId: SALES_PIPELINE, amountMinor };
  });
  const expected = expectedReferrals(programme, referrerId, purchases, scene.now());

  for (const purchase of purchases) {
    const cashback = expected.friendCashbackMinor.get(purchase.contactId) ?? 0;
    await log.expect({
      contactId: purchase.contactId,
      what: 'cashback balance (deal cashback + welcome reward)',
      expected: cashback,
      read: () => view.contact(purchase.contactId).loyalty.cashbackBalanceMinor ?? 0,
      show: (minor) => money(programme, minor),
    });
  }
  log.tell(referrerId, `${purchases.length} referred friends won a first deal`);
  await log.expect({
    contactId: referrerId,
    what: 'qualified referrals',
    expected: expected.qualifiedCount,
    read: () => view.contact(referrerId).loyalty.referralCount,
    show: String,
  });
  await log.expect({
    contactId: referrerId,
    what: 'referral discount',
    expected: expected.referrerPercent,
    read: () => view.contact(referrerId).loyalty.discountBasisPoints ?? 0,
    show: percent,
  });
  return referrerId;
}
