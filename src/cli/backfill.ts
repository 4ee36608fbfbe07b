import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { formatAmount } from '../domain/money';
import { type Programme } from '../domain/programme';
import { listWonDeals, parseSinceDate, previewCredits, replayWonDeals, type CreditPreview } from '../intake/backfill';
import { addEngineOptions, engineEnv, engineProgramme, type EngineFlags } from './configuration';
import { portalClient } from './portal-client';
import { withTemporalClient } from './temporal-client';

interface BackfillOptions extends EngineFlags {
  since: string;
  dryRun?: boolean;
}

/** `loyalty backfill --since DATE [--dry-run]`: replays the portal's historical won deals into the ledgers. */
export function backfillCommand(): Command {
  const command = new Command('backfill')
    .description("replay the portal's won deals closed since a date into the ledgers, through the deal workflows (idempotent)")
    .requiredOption('--since <YYYY-MM-DD>', 'first closing date (CLOSEDATE) to include')
    .option('--dry-run', 'print what would be credited, start nothing');
  return addEngineOptions(command, ['temporal', 'portal', 'taskQueue', 'rules', 'webhook']).action(runBackfill);
}

async function runBackfill(options: BackfillOptions): Promise<void> {
  const since = parseSinceDate(options.since);
  const env = engineEnv(options, { portalAccess: true });
  const programme = engineProgramme(env);
  const won = await listWonDeals(portalClient(env.bitrix24.access), since);
  const previews = previewCredits(won, programme);
  if (options.dryRun) {
    console.log(renderBackfillPreview(previews, programme, since).join('\n'));
    return;
  }
  const progress = new SingleBar({ format: 'backfill [{bar}] {value}/{total} deals', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  try {
    await withTemporalClient(env, async (client) => {
      progress.start(won.length, 0);
      await replayWonDeals(client, { portal: env.portal, taskQueue: env.taskQueue }, won, () => progress.increment());
    });
  } finally {
    progress.stop();
  }
  console.log(`Handed ${won.length} won deals closed since ${since} to their deal workflows (portal "${env.portal}").`);
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
