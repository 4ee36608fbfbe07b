import { Command } from 'commander';
import { inspectContact, type ContactLoyaltyReport } from '../admin/inspect-contact';
import { formatAmount } from '../domain/money';
import { formatPercent, type Programme } from '../domain/programme';
import { positiveId } from './cli-values';
import { addEngineOptions, engineEnv, engineProgramme, type EngineFlags } from './configuration';
import { withTemporalClient } from './temporal-client';

interface InspectOptions extends EngineFlags {
  json?: boolean;
}

/** `loyalty inspect contact <id>`: balance, lots with expiry, counts, birthday window and full history. */
export function inspectCommand(): Command {
  const inspect = new Command('inspect').description("show what the engine holds about a customer, from the customer's workflows");
  const contact = inspect
    .command('contact')
    .argument('<id>', 'Bitrix24 contact id', positiveId('contact id'))
    .description('balance, lots with expiry, purchase count and discount, birthday window, and every accrual and write-off')
    .option('--json', 'print the report as JSON');
  addEngineOptions(contact, ['temporal', 'portal', 'rules']).action(async (contactId: number, options: InspectOptions) => {
    const env = engineEnv(options);
    const programme = engineProgramme(env);
    const report = await withTemporalClient(env, (client) => inspectContact(client, env.portal, contactId));
    console.log((options.json ? [JSON.stringify(report, null, 2)] : renderContactReport(report, programme)).join('\n'));
  });
  return inspect;
}

export function renderContactReport(report: ContactLoyaltyReport, programme: Programme): string[] {
  const money = (minor: number) => `${formatAmount(minor, programme.currencyExponent)} ${programme.currency}`;
  const when = (instant: number) => new Date(instant).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const lines = [`Contact ${report.contactId}`];
  const { cashback, purchases, birthday } = report;
  if (cashback === null) lines.push('cashback: no account yet');
  else {
    const b = cashback.balances;
    lines.push(`cashback: ${money(b.net)} (available ${money(b.available)}, pending ${money(b.pending)}, debt ${money(b.debt)})`);
    for (const lot of cashback.lots.filter((l) => l.remaining > 0)) {
      lines.push(`  lot ${lot.key}: ${money(lot.remaining)} of ${money(lot.amount)}, expires ${when(lot.expiresAt)}`);
    }
    lines.push('  history:');
    for (const entry of cashback.history) {
      const by = entry.author ? ` by ${entry.author}` : '';
      lines.push(`    ${when(entry.at)}  ${entry.kind.padEnd(15)} ${money(entry.amount).padStart(16)}  balance ${money(entry.balanceAfter)}  ${entry.reason}${by}`);
    }
  }
  lines.push(purchases === null ? 'purchases: none counted' : `purchases: ${purchases.count} counted, discount ${formatPercent(purchases.percent)}`);
  if (purchases !== null) for (const decision of purchases.history) lines.push(`    ${decision.kind.padEnd(10)} ${decision.reason}`);
  lines.push(birthday === null ? 'birthday: no birthday workflow' : `birthday: window ${birthday.active ? 'open' : 'closed'}`);
  return lines;
}
