import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactLoyaltyReport } from '../../src/admin/inspect-contact';
import { createWebhookClient, type Bitrix24Client } from '../../src/bitrix24';
import { contacts } from '../../src/bitrix24/methods/contacts';
import { deals } from '../../src/bitrix24/methods/deals';
import { loadProgramme } from '../../src/config/load-programme';
import { BIRTHDAY_CUSTOMER, REFERRED_FRIENDS, type ScriptedDeal } from '../../src/demo/cast';
import { storyRecordFile, type StoryRecord } from '../../src/demo/once-per-data-dir';
import { cashbackAmountFor } from '../../src/domain/cashback-rules';
import { formatAmount, parseAmount, percentOf } from '../../src/domain/money';
import { percentForCount } from '../../src/domain/programme';
import { contactWorkflowId } from '../../src/temporal/workflow-ids';
import { cashbackQuery } from '../../workflows/cashback';
import { referralStatusQuery } from '../../workflows/referral';

const ROOT = path.resolve(__dirname, '../..');
const execFileAsync = promisify(execFile);
const programme = loadProgramme(path.join(ROOT, 'loyalty.config.yaml'));
const STORY_TIMEOUT_MS = 300_000;

/** `npm start` as a user runs it (`loyalty start`), on free ports and its own data directory. */
interface StartProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function start(devPort: number, uiPort: number, dataDir: string): StartProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, LOYALTY_BRIDGE_PORT: '0', LOYALTY_ADMIN_PORT: '0' };
  for (const name of ['TEMPORAL_ADDRESS', 'BITRIX24_WEBHOOK_URL', 'LOYALTY_PORTALS', 'LOYALTY_PORTALS_FILE', 'LOYALTY_ADMIN_TOKEN']) delete env[name];
  const child = spawn(
    path.join(ROOT, 'node_modules/.bin/tsx'),
    [path.join(ROOT, 'src/cli/main.ts'), 'start', '--dev-port', String(devPort), '--dev-ui-port', String(uiPort), '--data-dir', dataDir],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function outputMatching(run: StartProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = run.output().match(pattern);
    if (match) return match;
    if (run.child.exitCode !== null) throw new Error(`loyalty start exited with ${run.child.exitCode}:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stopWithCtrlC(run: StartProcess): Promise<number | null> {
  run.child.kill('SIGINT');
  return run.exited;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function totalMinor(deal: ScriptedDeal): number {
  return deal.rows.reduce((sum, row) => sum + parseAmount(row.price, programme.currencyExponent) * row.quantity, 0);
}

const welcomeMinor = programme.referral.welcome?.kind === 'cashback' ? programme.referral.welcome.amountMinor : 0;

describe('the demo: `npm start` on a fresh data directory', () => {
  let devPort: number;
  let uiPort: number;
  let dataDir: string;
  let engine: StartProcess;
  let record: StoryRecord;
  let connection: Connection;
  let temporal: Client;
  let portal: Bitrix24Client;

  const contactOf = (role: string): number => {
    const customer = record.outcome!.customers.find((c) => c.role === role);
    if (customer === undefined) throw new Error(`no ${role} in the story`);
    return customer.contactId;
  };
  const friendIds = (): number[] => record.outcome!.customers.filter((c) => c.role.startsWith('referred by')).map((c) => c.contactId);
  const cashbackNet = async (contactId: number) =>
    (await temporal.workflow.getHandle(contactWorkflowId('sandbox', 'cashback', contactId)).query(cashbackQuery)).balances.net;

  /** The real `loyalty inspect contact` against the demo's Temporal. */
  const inspect = async (contactId: number, ...flags: string[]): Promise<string> => {
    const env = { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: `127.0.0.1:${devPort}`, LOYALTY_PORTAL: 'sandbox' };
    const { stdout } = await execFileAsync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/cli/main.ts'), 'inspect', 'contact', String(contactId), ...flags], { cwd: ROOT, env });
    return stdout;
  };

  beforeAll(async () => {
    [devPort, uiPort] = [await freePort(), await freePort()];
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'loyalty-demo-'));
    engine = start(devPort, uiPort, dataDir);
    await outputMatching(engine, /checks (passed|FAILED)/, STORY_TIMEOUT_MS);
    record = JSON.parse(readFileSync(storyRecordFile(dataDir), 'utf8')) as StoryRecord;
    connection = await Connection.connect({ address: `127.0.0.1:${devPort}` });
    temporal = new Client({ connection, namespace: 'default' });
    const webhookUrl = (await outputMatching(engine, /\(webhook (http:\/\/\S+)\)/, 1000))[1]!;
    portal = createWebhookClient({ webhookUrl });
  }, STORY_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await connection?.close();
    if (engine?.child.exitCode === null) await stopWithCtrlC(engine);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the Temporal Web UI and bridge addresses and a passing story report', () => {
    const output = engine.output();
    expect(output).toContain(`Temporal Web UI:     http://127.0.0.1:${uiPort}`);
    expect(output).toMatch(/Webhook bridge: +http:\/\/127\.0\.0\.1:\d+\/bitrix24\/events \(the sandbox portal sends its CRM events here\)/);
    expect(record.outcome!.checks.filter((c) => !c.passed)).toEqual([]);
    expect(output).toContain(`All ${record.outcome!.checks.length} checks passed`);
  });

  it('links every customer to their workflows in the Web UI, and the link finds them', async () => {
    for (const customer of record.outcome!.customers) {
      const query = `LoyaltyPortal="sandbox" AND LoyaltyContactId="${customer.contactId}"`;
      expect(engine.output()).toContain(`Temporal UI: http://127.0.0.1:${uiPort}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
      expect((await temporal.workflow.count(query)).count).toBeGreaterThan(0);
    }
  });

  it("gives the referrer the tier's discount once three referred friends won a first deal", async () => {
    const referrer = contactOf('referrer');
    const view = await temporal.workflow.getHandle(contactWorkflowId('sandbox', 'referral', referrer)).query(referralStatusQuery);
    expect(view.discount.qualifiedCount).toBe(REFERRED_FRIENDS.length);
    expect(view.discount.percent).toBe(percentForCount(programme.referral.tiers, REFERRED_FRIENDS.length));
    expect(view.discount.percent).toBe(500);
    const crm = await portal.run(contacts.get(referrer));
    expect(crm.loyalty.discountBasisPoints).toBe(500);
    expect(crm.loyalty.referralCount).toBe(3);
  });

  it("credits each friend their deal's cashback plus the welcome reward", async () => {
    const ids = friendIds();
    expect(ids).toHaveLength(REFERRED_FRIENDS.length);
    for (const [i, friend] of REFERRED_FRIENDS.entries()) {
      expect(await cashbackNet(ids[i]!)).toBe(cashbackAmountFor(totalMinor(friend.firstDeal), 0, programme.cashback) + welcomeMinor);
    }
  });

  it('writes the birthday discount and the cashback payment into the deal and pays cashback on what was paid', async () => {
    const customer = contactOf('birthday today');
    const base = totalMinor(BIRTHDAY_CUSTOMER.birthdayDeal);
    const birthdayMinor = percentOf(base, programme.birthday.percent, 'down');
    const redeemed = parseAmount(BIRTHDAY_CUSTOMER.cashbackToRedeem, programme.currencyExponent);
    const paid = base - birthdayMinor - redeemed;
    expect([base, birthdayMinor, redeemed, paid]).toEqual([5_280_000, 264_000, 300_000, 4_716_000]);

    const [deal] = (await portal.run(deals.list({ filter: { TITLE: BIRTHDAY_CUSTOMER.birthdayDeal.title } }))).items;
    expect(deal?.opportunityMinor).toBe(paid);
    expect(deal?.loyalty.status).toContain('birthday 5 %');
    const earned = cashbackAmountFor(totalMinor(BIRTHDAY_CUSTOMER.earlierDeal), 0, programme.cashback);
    expect(await cashbackNet(customer)).toBe(earned - redeemed + cashbackAmountFor(paid, 0, programme.cashback));
  });

  it("credits the referrer's apology bonus at the rule's default amount", async () => {
    expect(await cashbackNet(contactOf('referrer'))).toBe(programme.bonuses.apology!.defaultAmountMinor);
  });

  it('`loyalty inspect contact` tells the referrer\'s story: standing discount and why, referrals, qualified deals, the bonus', async () => {
    const referrer = contactOf('referrer');
    const friends = friendIds();
    const text = await inspect(referrer);
    expect(text).toMatch(/^ {2}referral discount 5 % +earned +5 % referral discount: 3 qualified referral\(s\) reached the tier of 3.*\[Sales, Travel club\]$/m);
    expect(text).toContain(`referrals: not referred; referred ${friends.length} contact(s), ${friends.length} qualified`);
    for (const friend of friends) {
      expect(text).toContain(`referred contact ${friend}, linked`);
      expect(text).toMatch(new RegExp(`qualified: deal \\d+ of contact ${friend}, [\\d.]+ RUB`));
    }
    expect(text.match(/^ {4}.* qualified +/gm)).toHaveLength(friends.length);
    const apology = `${formatAmount(programme.bonuses.apology!.defaultAmountMinor, programme.currencyExponent)} RUB`;
    expect(text).toMatch(new RegExp(`manual-credit +${apology} {2}balance ${apology} {2}.*apology`));

    const report = JSON.parse(await inspect(referrer, '--json')) as ContactLoyaltyReport;
    expect(report.referral?.discount).toMatchObject({ percent: 500, qualifiedCount: friends.length });
    expect(report.standing.discounts.find((d) => d.kind === 'cashback')).toMatchObject({ status: 'earned', reason: expect.stringContaining(`${apology} available`) });
  });

  it('`loyalty inspect contact` shows the birthday customer their open window and the cashback they paid with', async () => {
    const text = await inspect(contactOf('birthday today'));
    expect(text).toMatch(/^ {2}birthday discount 5 % +earned +birthday window open, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(Europe\/Moscow\)/m);
    expect(text).toMatch(/^ {4}.* spend +3000\.00 RUB/m);
    expect(text).toContain('referrals: none');
  });

  it('stops on Ctrl-C with exit code 0, and a restart on the same data directory does not play the story again', async () => {
    expect(await stopWithCtrlC(engine)).toBe(0);
    expect(engine.output()).toContain('Engine stopped.');

    const again = start(devPort, uiPort, dataDir);
    try {
      await outputMatching(again, /Demo story: played on/, 120_000);
      await outputMatching(again, /checks passed/, 10_000);
      expect(again.output()).not.toContain('Demo story: a referrer');
      const webhookUrl = (await outputMatching(again, /\(webhook (http:\/\/\S+)\)/, 1000))[1]!;
      const names = (await createWebhookClient({ webhookUrl }).run(contacts.list({ filter: { NAME: 'Mikhail' } }))).items;
      expect(names).toHaveLength(1);
    } finally {
      expect(await stopWithCtrlC(again)).toBe(0);
    }
  });
});
