import { grantStaffBonus } from '../admin/staff-bonus';
import { APOLOGY_REASON } from './cast';
import { failedStep } from './checks';
import { money } from './expectations';
import type { Scene } from './scene';

/**
 * Chapter 3: staff apologise to a customer with a bonus, through the admin path that checks it against the rules.
 * The customer had no cashback before, so the balance becomes the bonus.
 */
export async function apologyChapter(scene: Scene, contactId: number): Promise<void> {
  const { log, programme, view } = scene;
  const rule = programme.bonuses.apology;
  if (rule === null) {
    log.tell(contactId, 'no apology bonus: the rules file has no apology bonus');
    return;
  }
  const author = rule.grantedBy?.[0] ?? '1';
  const what = 'apology bonus';
  try {
    const result = await grantStaffBonus(scene.admin, { kind: 'apology', contactId, reason: APOLOGY_REASON, author, requestId: `demo-${scene.runId}-apology-${contactId}` });
    log.tell(contactId, `apology bonus ${money(programme, result.amountMinor)} granted by user ${author}: "${APOLOGY_REASON}"`);
  } catch (error) {
    log.record(failedStep(contactId, what, money(programme, rule.defaultAmountMinor), error));
    return;
  }
  await log.expect({
    contactId,
    what: 'cashback balance after the apology bonus',
    expected: rule.defaultAmountMinor,
    read: () => view.contact(contactId).loyalty.cashbackBalanceMinor ?? 0,
    show: (minor) => money(programme, minor),
  });
  await log.expect({
    contactId,
    what: 'timeline comment on the bonus',
    expected: true,
    read: () => view.contactComments(contactId).some((comment) => comment.includes(APOLOGY_REASON)),
    show: (found) => (found ? 'comment present' : 'no such comment'),
  });
}
