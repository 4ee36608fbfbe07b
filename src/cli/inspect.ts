import { Command } from 'commander';
import { inspectContact, type ContactLoyaltyReport } from '../admin/inspect-contact';
import type { ContactStanding } from '../domain/contact-standing';
import { formatAmount } from '../domain/money';
import { formatPercent, type Programme } from '../domain/programme';
import { positiveId } from './cli-values';
import { addEngineOptions, engineEnv, engineProgramme, type EngineFlags } from './configuration';
import { withTemporalClient } from './temporal-client';

interface InspectOptions extends EngineFlags {
  json?: boolean;
}

/** `loyalty inspect contact <id>`: discounts now and why, balance, lots with expiry, counts, birthday window, referrals and full history. */
export function inspectCommand(): Command {
  const inspect = new Command('inspect').description("show what the engine holds about a customer, from the customer's workflows");
  const contact = inspect
    .command('contact')
    .argument('<id>', 'Bitrix24 contact id', positiveId('contact id'))
    .description('discounts now and why, balance, lots with expiry, purchase count, birthday window, referrals, and every accrual and write-off')
    .option('--json', 'print the report as JSON');
  addEngineOptions(contact, ['temporal', 'portal', 'rules']).action(async (contactId: number, options: InspectOptions) => {
    const env = engineEnv(options);
    const programme = engineProgramme(env);
    const report = await withTemporalClient(env, (client) => inspectContact(client, env.portal, contactId, programme));
    console.log((options.json ? [JSON.stringify(report, null, 2)] : renderContactReport(report, programme)).join('\n'));
  });
  return inspect;
}

export function renderContactReport(report: ContactLoyaltyReport, programme: Programme): string[] {
  const money = (minor: number) => `${formatAmount(minor, programme.currencyExponent)} ${programme.currency}`;
  return [
    `Contact ${report.contactId}`,
    ...standingLines(report.standing),
    ...cashbackLines(report.cashback, money),
    ...purchasesLines(report.purchases),
    report.birthday === null ? 'birthday: no birthday workflow' : `birthday: window ${report.birthday.active ? 'open' : 'closed'}`,
    ...referralLines(report.referral, money),
  ];
}

type Money = (minor: number) => string;

function when(instant: number): string {
  return new Date(instant).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

function standingLines(standing: ContactStanding): string[] {
  const lines = [`discounts now (${standing.stacking}):`];
  for (const discount of standing.discounts) {
    const percent = discount.percent > 0 ? ` ${formatPercent(discount.percent)}` : '';
    const where = discount.pipelines.length === 0 ? '' : ` [${discount.pipelines.join(', ')}]`;
    lines.push(`  ${(discount.label + percent).padEnd(26)} ${discount.status.padEnd(10)} ${discount.reason}${where}`);
  }
  return lines;
}

function cashbackLines(cashback: ContactLoyaltyReport['cashback'], money: Money): string[] {
  if (cashback === null) return ['cashback: no account yet'];
  const b = cashback.balances;
  return [
    `cashback: ${money(b.net)} (available ${money(b.available)}, pending ${money(b.pending)}, debt ${money(b.debt)})`,
    ...cashback.lots.filter((lot) => lot.remaining > 0).map((lot) => `  lot ${lot.key}: ${money(lot.remaining)} of ${money(lot.amount)}, expires ${when(lot.expiresAt)}`),
    '  history:',
    ...cashback.history.map((entry) => {
      const by = entry.author ? ` by ${entry.author}` : '';
      return `    ${when(entry.at)}  ${entry.kind.padEnd(15)} ${money(entry.amount).padStart(16)}  balance ${money(entry.balanceAfter)}  ${entry.reason}${by}`;
    }),
  ];
}

function purchasesLines(purchases: ContactLoyaltyReport['purchases']): string[] {
  if (purchases === null) return ['purchases: none counted'];
  return [`purchases: ${purchases.count} counted, discount ${formatPercent(purchases.percent)}`, ...purchases.history.map((d) => `    ${d.kind.padEnd(10)} ${d.reason}`)];
}

function referralLines(referral: ContactLoyaltyReport['referral'], money: Money): string[] {
  if (referral === null) return ['referrals: none'];
  const active = referral.qualifications.filter((q) => q.reversedAt === null).length;
  return [
    `referrals: ${referral.referrerId === null ? 'not referred' : `referred by contact ${referral.referrerId}`}; referred ${referral.referred.length} contact(s), ${active} qualified`,
    ...referral.referred.map((link) => `  referred contact ${link.contactId}, linked ${when(link.linkedAt)}`),
    ...referral.qualifications.map((q) => {
      const reversed = q.reversedAt === null ? '' : `, reversed ${when(q.reversedAt)}`;
      return `  qualified: deal ${q.dealId} of contact ${q.referredId}, ${money(q.amountMinor)}, ${when(q.qualifiedAt)}${reversed}`;
    }),
    '  history:',
    ...referral.history.map((entry) => `    ${when(entry.at)}  ${entry.event.padEnd(17)} ${entry.reason}`),
  ];
}
