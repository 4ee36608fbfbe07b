import { Client, Connection } from '@temporalio/client';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { createWebhookClient } from '../bitrix24';
import { loadProgramme } from '../config/load-programme';
import { formatAmount } from '../domain/money';
import { type Programme } from '../domain/programme';
import { listWonDeals, parseSinceDate, previewCredit, replayWonDeals, type CreditPreview } from '../intake/backfill';
import { LOYALTY_TASK_QUEUE } from '../temporal/task-queues';

interface BackfillOptions {
  since: string;
  dryRun?: boolean;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  portal: string;
  webhookUrl?: string;
  rules: string;
}

/** `loyalty backfill --since DATE [--dry-run]`: replays the portal's historical won deals into the ledgers. */
export function backfillCommand(): Command {
  return new Command('backfill')
    .description("replay the portal's won deals closed since a date into the ledgers, through the deal workflows (idempotent)")
    .requiredOption('--since <YYYY-MM-DD>', 'first closing date (CLOSEDATE) to include')
    .option('--dry-run', 'print what would be credited, start nothing')
    .option('--temporal-address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233')
    .option('--namespace <name>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--task-queue <name>', 'task queue of the loyalty workflows', process.env.LOYALTY_TASK_QUEUE ?? LOYALTY_TASK_QUEUE)
    .option('--portal <key>', 'portal key used in workflow ids', process.env.LOYALTY_PORTAL ?? 'sandbox')
    .option('--webhook-url <url>', 'the portal incoming webhook (default: $BITRIX24_WEBHOOK_URL)')
    .option('--rules <file>', 'the loyalty rules file', process.env.LOYALTY_RULES_FILE ?? 'loyalty.config.yaml')
    .action(runBackfill);
}

async function runBackfill(options: BackfillOptions): Promise<void> {
  const since = parseSinceDate(options.since);
  const webhookUrl = options.webhookUrl ?? process.env.BITRIX24_WEBHOOK_URL;
  if (!webhookUrl) throw new Error('backfill: --webhook-url (or BITRIX24_WEBHOOK_URL) is required');
  const programme = loadProgramme(options.rules);
  const won = await listWonDeals(createWebhookClient({ webhookUrl }), since);
  const previews = won.map((deal) => previewCredit(deal, programme));
  if (options.dryRun) {
    console.log(renderBackfillPreview(previews, programme, since).join('\n'));
    return;
  }
  const connection = await Connection.connect({ address: options.temporalAddress });
  const progress = new SingleBar({ format: 'backfill [{bar}] {value}/{total} deals', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  try {
    const client = new Client({ connection, namespace: options.namespace });
    progress.start(won.length, 0);
    await replayWonDeals(client, { portal: options.portal, taskQueue: options.taskQueue }, won, () => progress.increment());
  } finally {
    progress.stop();
    await connection.close();
  }
  console.log(`Handed ${won.length} won deals closed since ${since} to their deal workflows (portal "${options.portal}").`);
  console.log(`Deals already credited are not credited again; \`loyalty inspect contact <id>\` shows the result.`);
}

/** The dry run's report: one line per won deal, then the totals. Ids and amounts only, no customer data. */
export function renderBackfillPreview(previews: readonly CreditPreview[], programme: Programme, since: string): string[] {
  const money = (minor: number) => `${formatAmount(minor, programme.currencyExponent)} ${programme.currency}`;
  const lines = [`Dry run: ${previews.length} won deals closed since ${since}; nothing is started.`];
  for (const { deal, cashbackMinor, noCashback } of previews) {
    const head = `deal ${deal.dealId}  closed ${deal.closeDate ?? 'unknown'}  pipeline ${deal.pipelineId}  amount ${money(deal.amountMinor)}`;
    lines.push(noCashback === null ? `${head}  cashback ${money(cashbackMinor)} to contact ${deal.primaryContactId}` : `${head}  no cashback: ${noCashback}`);
  }
  const earning = previews.filter((p) => p.noCashback === null);
  const total = earning.reduce((sum, p) => sum + p.cashbackMinor, 0);
  lines.push(`Would credit ${money(total)} cashback on ${earning.length} of ${previews.length} deals; every contact of each deal counts one purchase.`);
  return lines;
}
