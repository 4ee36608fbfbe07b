import { Command, InvalidArgumentError } from 'commander';
import { Client, Connection } from '@temporalio/client';
import { inspectContact, type ContactLoyaltyReport } from '../admin/inspect-contact';
import { loadProgramme } from '../config/load-programme';
import { formatAmount } from '../domain/money';
import { formatPercent, type Programme } from '../domain/programme';

interface InspectOptions {
  temporalAddress: string;
  namespace: string;
  portal: string;
  rules: string;
  json?: boolean;
}

/** `loyalty inspect contact <id>`: balance, lots with expiry, counts, birthday window and full history. */
export function inspectCommand(): Command {
  const inspect = new Command('inspect').description("show what the engine holds about a customer, from the customer's workflows");
  inspect
    .command('contact <id>')
    .description('balance, lots with expiry, purchase count and discount, birthday window, and every accrual and write-off')
    .option('--temporal-address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233')
    .option('--namespace <name>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--portal <key>', 'portal key used in workflow ids', process.env.LOYALTY_PORTAL ?? 'sandbox')
    .option('--rules <file>', 'the loyalty rules file (for the currency)', process.env.LOYALTY_RULES_FILE ?? 'loyalty.config.yaml')
    .option('--json', 'print the report as JSON')
    .action(async (id: string, options: InspectOptions) => {
      const contactId = Number(id);
      if (!Number.isSafeInteger(contactId) || contactId <= 0) throw new InvalidArgumentError(`contact id must be a positive integer, got "${id}"`);
      const connection = await Connection.connect({ address: options.temporalAddress });
      try {
        const report = await inspectContact(new Client({ connection, namespace: options.namespace }), options.portal, contactId);
        const lines = options.json ? [JSON.stringify(report, null, 2)] : renderContactReport(report, loadProgramme(options.rules));
        console.log(lines.join('\n'));
      } finally {
        await connection.close();
      }
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
