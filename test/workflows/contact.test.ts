import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { contacts } from '../../src/bitrix24';
import { LOYALTY_FIELDS } from '../../src/bitrix24/loyalty-fields';
import { loadProgramme } from '../../src/config/load-programme';
import { parseReferralCode } from '../../src/domain/referral-code';
import { contactWorkflowId } from '../../src/temporal/workflow-ids';
import { birthdayStatusQuery } from '../../workflows/birthday';
import { contact, contactStatusQuery, type ContactMemory } from '../../workflows/contact';
import { crmEventSignal, type CrmEventNotice } from '../../workflows/crm-event';
import { referralStatusQuery, type ReferralMemory } from '../../workflows/referral';
import { recordHistory } from '../helpers/histories';
import { eventually } from '../helpers/temporal';
import { startTestbed, type Testbed } from '../helpers/testbed';

// The example rules: referral link template https://example.com/?ref={code}, birthday discount on.
const programme = loadProgramme(path.resolve(__dirname, '../../loyalty.config.yaml'));

describe('contact workflow: CRM contact events drive referral codes, referrer links, birthdays and deletion (dev server)', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({
      label: 'contact',
      server: 'dev',
      activities: ({ bitrix, env, taskQueue }) => createActivities({ bitrix, temporal: env.client, programme, taskQueue }),
    });
  });
  afterAll(async () => bed?.stop());

  const deliver = (contactId: number, event: CrmEventNotice['event']) =>
    bed.env.client.workflow.signalWithStart(contact, {
      workflowId: contactWorkflowId(bed.taskQueue, 'contact', contactId),
      taskQueue: bed.taskQueue,
      args: [{ portal: bed.taskQueue, contactId }],
      signal: crmEventSignal,
      signalArgs: [{ event, entityId: contactId, ts: Math.floor(Date.now() / 1000), source: 'webhook' }],
    });
  const handleOf = (kind: 'contact' | 'referral' | 'birthday', contactId: number) =>
    bed.env.client.workflow.getHandle(contactWorkflowId(bed.taskQueue, kind, contactId));
  const events = async (contactId: number) => ((await handleOf('contact', contactId).query(contactStatusQuery).catch(() => null))?.history ?? []).map((h) => h.event);

  it('assigns a referral code, links the referrer, follows the birthdate and ends the referral workflow on deletion', async () => {
    const { portal } = bed.sandbox;
    const referrer = portal.contacts.add({ NAME: 'Rita' });
    const friend = portal.contacts.add({ NAME: 'Fay', BIRTHDATE: '1990-05-17', [LOYALTY_FIELDS.contact.referrer]: String(referrer) });
    for (const event of ['ONCRMCONTACTADD', 'ONCRMCONTACTUPDATE', 'ONCRMCONTACTUPDATE'] as const) await deliver(friend, event);

    await eventually(async () => (await events(friend)).includes('birthdate-forwarded'));
    expect(await events(friend)).toEqual(['referral-code-assigned', 'referrer-linked', 'birthdate-forwarded']);
    const { loyalty } = await bed.bitrix.run(contacts.get(friend));
    expect(parseReferralCode(loyalty.referralCode ?? '', bed.taskQueue)).toMatchObject({ valid: true, contactId: String(friend) });
    expect(loyalty.referralLink).toBe(`https://example.com/?ref=${loyalty.referralCode}`);
    const timeline = portal.timeline.list('contact', friend).map((c) => String(c.COMMENT));
    expect(timeline.filter((c) => c.startsWith(`Referral code ${loyalty.referralCode}. Referral link: https://example.com/?ref=${loyalty.referralCode}`))).toHaveLength(1);
    expect((await handleOf('referral', friend).query(referralStatusQuery)).referrerId).toBe(referrer);
    expect((await handleOf('birthday', friend).query(birthdayStatusQuery)).birthdate).toBe('1990-05-17');

    // The code write itself comes back as an update event: nothing changed, nothing is written or linked again.
    await deliver(friend, 'ONCRMCONTACTUPDATE');
    portal.contacts.update(friend, { BIRTHDATE: '1990-06-01' });
    await deliver(friend, 'ONCRMCONTACTUPDATE');
    await eventually(async () => (await handleOf('birthday', friend).query(birthdayStatusQuery)).birthdate === '1990-06-01');
    expect(await events(friend)).toEqual(['referral-code-assigned', 'referrer-linked', 'birthdate-forwarded', 'birthdate-forwarded']);

    // Someone edits the link on the card: it is written back (the code stays), without a second code comment.
    portal.contacts.update(friend, { [LOYALTY_FIELDS.contact.referralLink]: 'https://example.com/?ref=SOMEONE-ELSE' });
    await deliver(friend, 'ONCRMCONTACTUPDATE');
    await eventually(async () => (await events(friend)).includes('referral-link-written'));
    expect((await bed.bitrix.run(contacts.get(friend))).loyalty).toMatchObject({ referralCode: loyalty.referralCode, referralLink: loyalty.referralLink });
    expect(portal.timeline.list('contact', friend).filter((c) => String(c.COMMENT).startsWith('Referral code'))).toHaveLength(1);

    portal.contacts.delete(friend);
    await deliver(friend, 'ONCRMCONTACTDELETE');
    const final: ContactMemory = await handleOf('contact', friend).result();
    expect(final.history.at(-1)).toMatchObject({ event: 'deleted' });
    const referralEnd = (await handleOf('referral', friend).result()) as ReferralMemory;
    expect(referralEnd.history.at(-1)).toMatchObject({ event: 'contact-deleted' });
    await recordHistory(handleOf('contact', friend), 'contact-referrer-birthday-delete');
  });
});
