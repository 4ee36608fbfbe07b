/**
 * `loyalty rules check FILE` and `loyalty rules simulate --rules FILE --history FILE [--json]`.
 * Output goes through commander's configured writers so that tests can capture it; failures exit with 1.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { DateTime } from 'luxon';
import { parseHistory } from '../config/history';
import { parseProgramme } from '../config/load-programme';
import { summarizeProgramme } from '../config/programme-summary';
import { formatAmount } from '../domain/money';
import { formatPercent, type Programme } from '../domain/programme';
import { simulate, type SimulationResult } from '../domain/simulate';

function write(command: Command, lines: readonly string[]): void {
  const writeOut = command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
  writeOut(`${lines.join('\n')}\n`);
}

function fail(command: Command, file: string, errors: readonly string[]): never {
  command.error([`${file}: ${errors.length} problem(s)`, ...errors.map((e) => `  ${e}`)].join('\n'), { exitCode: 1, code: 'loyalty.rules.invalid' });
}

function readText(command: Command, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return fail(command, file, [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`]);
  }
}

function programmeFrom(command: Command, file: string): Programme {
  const parsed = parseProgramme(readText(command, file));
  return parsed.ok ? parsed.programme : fail(command, file, parsed.errors);
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd());
}

function localTime(instant: number, programme: Programme): string {
  return DateTime.fromMillis(instant, { zone: programme.timeZone }).toFormat('yyyy-MM-dd HH:mm');
}

export function renderSimulation(result: SimulationResult, programme: Programme): string[] {
  const money = (minor: number): string => formatAmount(minor, programme.currencyExponent);
  const events = table([['when', 'contact', 'programme', 'change', 'why'], ...result.lines.map((l) => [localTime(l.at, programme), l.contactId, l.area, l.change, l.reason])]);
  const summary = table([
    ['contact', 'name', 'referrals', 'referral %', 'purchases', 'purchase %', `cashback ${programme.currency}`, 'pending', 'debt', 'birthday window'],
    ...result.contacts.map((c) => [
      c.contactId,
      c.name,
      String(c.qualifiedReferrals),
      formatPercent(c.referralPercent),
      String(c.purchases),
      formatPercent(c.purchaseCountPercent),
      money(c.cashbackAvailableMinor),
      money(c.cashbackPendingMinor),
      money(c.cashbackDebtMinor),
      c.birthdayWindowActive ? 'yes' : 'no',
    ]),
  ]);
  return ['History', ...events, '', 'Result', ...summary];
}

function checkCommand(): Command {
  return new Command('check')
    .description('validate a rules file and summarise the programme')
    .argument('<file>', 'the rules file (YAML)')
    .action(function (this: Command, file: string) {
      const programme = programmeFrom(this, file);
      write(this, [`OK ${file}`, ...summarizeProgramme(programme).map((line) => `  ${line}`)]);
    });
}

function simulateCommand(): Command {
  return new Command('simulate')
    .description('replay a customer history (JSON) through the rules and show what each programme grants and why')
    .requiredOption('--rules <file>', 'the rules file (YAML)')
    .requiredOption('--history <file>', 'the customer history (JSON), see examples/customer-history.json')
    .option('--json', 'print the result as JSON')
    .action(function (this: Command, options: { rules: string; history: string; json?: boolean }) {
      const programme = programmeFrom(this, options.rules);
      const history = parseHistory(readText(this, options.history), programme);
      if (!history.ok) fail(this, options.history, history.errors);
      const result = simulate(programme, history.history);
      write(this, options.json === true ? [JSON.stringify(result, null, 2)] : renderSimulation(result, programme));
    });
}

export function rulesCommand(): Command {
  return new Command('rules').description('check and try out the loyalty rules file').addCommand(checkCommand()).addCommand(simulateCommand());
}
