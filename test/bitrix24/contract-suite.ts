import { describe, expect, it } from 'vitest';
import {
  addCommentOnce,
  AuthError,
  type Bitrix24Client,
  contacts,
  deals,
  LOYALTY_FIELD_DEFINITIONS,
  LOYALTY_FIELDS,
  MethodNotFoundError,
  notifications,
  NotFoundError,
  pagesByOffset,
  pipelines,
  rawCommand,
  readDealSnapshot,
  resultRef,
  runBatch,
  runBatchList,
  scanByKeyset,
  setupPortal,
  timeline,
  userFields,
  ValidationError,
  wonStage,
  writeDealDiscounts,
} from '../../src/bitrix24';
import { type ContractTarget, webhookClientFor, withWrongSecret } from './helpers/contract-target';

async function addContact(client: Bitrix24Client, fields: Record<string, unknown>): Promise<number> {
  return Number(await client.call('crm.contact.add', { fields }));
}

async function addDeal(client: Bitrix24Client, fields: Record<string, unknown>): Promise<number> {
  return Number(await client.call('crm.deal.add', { fields: { CATEGORY_ID: 0, CURRENCY_ID: 'RUB', ...fields } }));
}

const TOUR = { productName: 'Tour', priceMinor: 150_000, quantity: 2 };
const VISA = { productName: 'Visa', priceMinor: 3_050, quantity: 1 };

/**
 * Contract tests that hold for any portal reachable by an incoming webhook: the sandbox and, when
 * BITRIX24_WEBHOOK_URL is set, a real one. `target()` is resolved lazily inside each test.
 */
export function defineWebhookContract(target: () => ContractTarget): void {
  const tag = `lty${Date.now().toString(36)}`;
  const client = () => target().client().client;

  describe('setup', () => {
    it('creates the loyalty fields once; a second run creates nothing', async () => {
      const first = await setupPortal(client());
      const second = await setupPortal(client());
      const expected = LOYALTY_FIELD_DEFINITIONS.contact.length + LOYALTY_FIELD_DEFINITIONS.deal.length;
      expect(first.fields).toHaveLength(expected);
      expect(second.fields.filter((field) => field.action === 'created')).toEqual([]);
      expect(second.fields).toHaveLength(expected);
      for (const entity of ['contact', 'deal'] as const) {
        const names = (await client().run(userFields.list(entity))).map((field) => field.fieldName);
        for (const definition of LOYALTY_FIELD_DEFINITIONS[entity]) {
          expect(names.filter((name) => name === definition.fieldName), definition.fieldName).toHaveLength(1);
        }
      }
      // Webhook installs do not bind events over REST.
      expect(second.events).toEqual([]);
    });
  });

  describe('contacts', () => {
    it('get/list/update round-trip typed loyalty values, birthdays and the referrer link', async () => {
      const referrerId = await addContact(client(), { NAME: 'Referrer', LAST_NAME: tag });
      const contactId = await addContact(client(), {
        NAME: 'Anna',
        LAST_NAME: tag,
        BIRTHDATE: '1990-03-15',
        PHONE: [{ VALUE: '+79990001122', VALUE_TYPE: 'MOBILE' }],
      });
      const loyalty = {
        referrerContactId: referrerId,
        referralCode: `ANNA-${tag}`,
        referralCount: 2,
        discountBasisPoints: 500,
        cashbackBalanceMinor: 123_45,
        birthdayWindow: true,
        summary: 'Silver: 5 %',
      };
      expect(await client().run(contacts.update(contactId, { loyalty }))).toBe(true);
      const contact = await client().run(contacts.get(contactId));
      expect(contact).toMatchObject({ id: contactId, name: 'Anna', birthdate: '1990-03-15', loyalty });
      expect(contact.phones.map((phone) => phone.value)).toEqual(['+79990001122']);
      const page = await client().run(contacts.list({ filter: { LAST_NAME: tag }, order: { ID: 'ASC' } }));
      expect(page.items.map((item) => item.id)).toEqual([referrerId, contactId]);
      const byReferrer = await client().run(contacts.list({ filter: { [LOYALTY_FIELDS.contact.referrer]: referrerId } }));
      expect(byReferrer.items.map((item) => item.id)).toEqual([contactId]);
    });
  });

  describe('deals', () => {
    it('get/update/contact items and stage semantics per pipeline', async () => {
      const contactId = await addContact(client(), { NAME: 'Buyer', LAST_NAME: tag });
      const dealId = await addDeal(client(), { TITLE: `${tag} trip`, CONTACT_ID: contactId });
      const stages = await client().run(pipelines.dealStages(0));
      const won = wonStage(stages, 0);
      expect(won?.semantic).toBe('S');
      const categories = await client().run(pipelines.categories());
      expect(categories.some((category) => category.id === 0)).toBe(true);

      await client().run(deals.update(dealId, { stageId: won?.statusId ?? '', loyalty: { status: 'cashback pending', cashbackToRedeemMinor: 50_00 } }));
      const deal = await client().run(deals.get(dealId));
      expect(deal).toMatchObject({
        id: dealId,
        categoryId: 0,
        stageId: won?.statusId,
        stageSemantic: 'S',
        primaryContactId: contactId,
        loyalty: { status: 'cashback pending', cashbackToRedeemMinor: 50_00 },
      });
      expect(deal.createdAt?.epochMs).toBeGreaterThan(0);
      const bindings = await client().run(deals.contactItems(dealId));
      expect(bindings).toEqual([expect.objectContaining({ contactId, isPrimary: true })]);
      const listed = await client().run(deals.list({ filter: { ID: dealId } }));
      expect(listed.items.map((item) => item.id)).toEqual([dealId]);
    });

    it('sets and reads product rows; the deal amount follows the rows', async () => {
      const dealId = await addDeal(client(), { TITLE: `${tag} rows` });
      await client().run(deals.setProductRows(dealId, [TOUR, { ...VISA, discount: { type: 'absolute', perUnitMinor: 50 } }], 'RUB'));
      const rows = await client().run(deals.productRows(dealId, 'RUB'));
      expect(rows.map((row) => [row.productName, row.priceMinor, row.quantity])).toEqual([
        ['Tour', 150_000, 2],
        ['Visa', 3_050, 1],
      ]);
      expect(rows[1]).toMatchObject({ discountTypeId: 1, discountSumMinor: 50 });
      expect((await client().run(deals.get(dealId))).opportunityMinor).toBe(2 * 150_000 + 3_050);
    });

    it('rejects a product-rows set with an invalid row whole', async () => {
      const dealId = await addDeal(client(), { TITLE: `${tag} invalid rows` });
      await client().run(deals.setProductRows(dealId, [TOUR], 'RUB'));
      // Percent discount without a rate: the portal refuses the set (ERROR_CORE).
      const invalid = { PRODUCT_NAME: 'Broken', PRICE: '10.00', QUANTITY: 1, DISCOUNT_TYPE_ID: 2 };
      const error = await client()
        .call('crm.deal.productrows.set', { id: dealId, rows: [{ PRODUCT_NAME: 'Visa', PRICE: '30.50', QUANTITY: 1 }, invalid] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      const rows = await client().run(deals.productRows(dealId, 'RUB'));
      expect(rows.map((row) => [row.productName, row.priceMinor])).toEqual([['Tour', 150_000]]);
    });

    it('adds timeline comments and system notifications', async () => {
      const dealId = await addDeal(client(), { TITLE: `${tag} comment` });
      expect(await client().run(timeline.addComment({ entityType: 'deal', entityId: dealId, comment: 'Cashback 150.00 credited' }))).toBeGreaterThan(0);
      const notification = await client().run(notifications.system({ userId: 1, message: `[B]Loyalty[/B] contract test ${tag}` }));
      expect(notification === null || notification > 0).toBe(true);
    });
  });

  describe('batch', () => {
    it('reads a deal with contacts, rows and its pipeline stages in one request', async () => {
      const contactId = await addContact(client(), { NAME: 'Snap', LAST_NAME: tag });
      const dealId = await addDeal(client(), { TITLE: `${tag} snapshot`, CONTACT_ID: contactId });
      const { client: counted, transport } = target().client();
      await counted.run(deals.setProductRows(dealId, [TOUR], 'RUB'));
      const before = transport.restRequests;
      const snapshot = await readDealSnapshot(counted, dealId);
      expect(transport.restRequests - before).toBe(1);
      expect(snapshot.deal.id).toBe(dealId);
      expect(snapshot.contacts.map((binding) => binding.contactId)).toEqual([contactId]);
      expect(snapshot.productRows.map((row) => row.priceMinor)).toEqual([150_000]);
      expect(wonStage(snapshot.stages, 0)?.semantic).toBe('S');
      expect(snapshot.stages.every((stage) => stage.categoryId === 0)).toBe(true);
    });

    it('writes the discounts (rows and fields) in one request, the same again on a retry, and comments once', async () => {
      const dealId = await addDeal(client(), { TITLE: `${tag} write` });
      const { client: counted, transport } = target().client();
      const write = {
        productRows: [{ ...TOUR, discount: { type: 'percent' as const, rate: 10, perUnitMinor: 16_667 } }],
        currencyId: 'RUB',
        fields: { loyalty: { appliedDiscounts: 'referral 10 %' } },
      };
      await writeDealDiscounts(counted, dealId, write);
      expect(transport.restRequests).toBe(1);
      await writeDealDiscounts(counted, dealId, write);
      const deal = await client().run(deals.get(dealId));
      expect(deal.loyalty.appliedDiscounts).toBe('referral 10 %');
      const rows = await client().run(deals.productRows(dealId, 'RUB'));
      expect(rows).toEqual([expect.objectContaining({ priceMinor: 150_000, discountTypeId: 2, discountRate: 10 })]);

      const comment = { entityType: 'deal' as const, entityId: dealId, comment: 'Referral discount 10 % applied' };
      const first = await addCommentOnce(client(), comment, `deal:${dealId}:referral-10`);
      expect(await addCommentOnce(client(), comment, `deal:${dealId}:referral-10`)).toEqual({ id: first.id, created: false });
      expect((await client().run(timeline.listComments('deal', dealId))).items).toHaveLength(1);
    });

    it('halts the discounts write at rejected rows: the fields are not written', async () => {
      const dealId = await addDeal(client(), { TITLE: `${tag} halted` });
      // Percent discount without a rate passes no client check but is refused by the portal.
      const rejectedRows = rawCommand('crm.deal.productrows.set', { id: dealId, rows: [{ PRODUCT_NAME: 'Broken', PRICE: '10.00', QUANTITY: 1, DISCOUNT_TYPE_ID: 2 }] });
      const fields = deals.update(dealId, { loyalty: { status: 'must not be written' } });
      const outcomes = await runBatch(client(), { rows: rejectedRows, fields }, { halt: true });
      expect(outcomes.rows.status === 'error' && outcomes.rows.error).toBeInstanceOf(ValidationError);
      expect(outcomes.fields.status).toBe('skipped');
      expect((await client().run(deals.get(dealId))).loyalty.status).toBeNull();
    });

    it('resolves $result references and returns typed per-command errors', async () => {
      const contactId = await addContact(client(), { NAME: 'Ref target', LAST_NAME: tag });
      const dealId = await addDeal(client(), { TITLE: `${tag} refs`, CONTACT_ID: contactId });
      const outcomes = await runBatch(client(), {
        deal: deals.get(dealId),
        contact: contacts.get(resultRef('deal', 'CONTACT_ID')),
        missing: deals.get(2_000_000_000),
        unknown: rawCommand('crm.no.such.method'),
      });
      expect(outcomes.contact).toMatchObject({ status: 'ok', value: { id: contactId } });
      expect(outcomes.missing.status === 'error' && outcomes.missing.error).toBeInstanceOf(NotFoundError);
      expect(outcomes.unknown.status === 'error' && outcomes.unknown.error).toBeInstanceOf(MethodNotFoundError);
    });

    it('chunks more than 50 commands into several batch calls', async () => {
      const ids = await target().seedDeals(3, `${tag}chunk`);
      const { client: counted, transport } = target().client();
      const commands = Array.from({ length: 120 }, (_, i) => deals.get(ids[i % ids.length] ?? 0));
      const outcomes = await runBatchList(counted, commands);
      expect(transport.restRequests).toBe(3);
      expect(outcomes.map((outcome) => (outcome.status === 'ok' ? outcome.value.id : outcome.status))).toEqual(
        commands.map((_, i) => ids[i % ids.length]),
      );
    });
  });

  describe('pagination', () => {
    it('scans by keyset and pages by offset over the same deals', async () => {
      const count = target().kind === 'sandbox' ? 520 : 120;
      const scanTag = `${tag}scan`;
      const ids = await target().seedDeals(count, scanTag);
      const { client: counted, transport } = target().client();
      const scanned: number[] = [];
      for await (const deal of scanByKeyset(counted, deals.list, (d) => d.id, { filter: { '%TITLE': scanTag }, select: ['ID', 'TITLE'] })) {
        scanned.push(deal.id);
      }
      expect(scanned).toEqual(ids);
      expect(transport.restRequests).toBe(Math.floor(count / 50) + 1);

      const paged: number[] = [];
      let totals = new Set<number>();
      for await (const page of pagesByOffset(counted, deals.list, { filter: { '%TITLE': scanTag }, order: { ID: 'ASC' }, select: ['ID'] })) {
        paged.push(...page.items.map((deal) => deal.id));
        totals = totals.add(page.total);
      }
      expect(paged).toEqual(ids);
      expect([...totals]).toEqual([count]);
    });
  });

  describe('errors', () => {
    it('wrong webhook secret → AuthError without the secret in the message', async () => {
      const { client: wrong } = webhookClientFor(withWrongSecret(target().webhookUrl), target().kind === 'real');
      const error = await wrong.run(deals.list()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as Error).message).not.toContain('definitely-wrong-secret');
    });

    it('unknown method → MethodNotFoundError', async () => {
      await expect(client().call('crm.deal.nosuchthing')).rejects.toBeInstanceOf(MethodNotFoundError);
    });

    it('unknown deal → NotFoundError', async () => {
      await expect(client().run(deals.get(2_000_000_000))).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
