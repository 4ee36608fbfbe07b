import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { rulesCommand } from '../../src/cli/rules';

const ROOT = join(__dirname, '../..');
const RULES = join(ROOT, 'loyalty.config.yaml');
const HISTORY = join(ROOT, 'examples/customer-history.json');
const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const root = rulesCommand();
  for (const command of [root, ...root.commands]) {
    command.exitOverride().configureOutput({ writeOut: (text) => out.push(text), writeErr: (text) => err.push(text) });
  }
  try {
    await root.parseAsync(args, { from: 'user' });
    return { out: out.join(''), err: err.join(''), exitCode: 0 };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { out: out.join(''), err: err.join(''), exitCode: error.exitCode };
  }
}

describe('loyalty rules check', () => {
  it('prints OK and a summary of the example file', async () => {
    const { out, exitCode } = await run(['check', RULES]);
    expect(exitCode).toBe(0);
    expect(out.split('\n')[0]).toBe(`OK ${RULES}`);
    expect(out).toContain('referral: 3 → 5 %, 10 → 10 % by qualified contacts');
    expect(out).toContain('cashback: up to 50000.00 RUB → 5 %, above → 7 % (dealAmount)');
    expect(out).toContain('birthday: 5 % from 7 days before to 7 days after');
  });

  it('lists the errors of a bad file and exits 1', async () => {
    const bad = file('bad.yaml', readFileSync(RULES, 'utf8').replace('- { percent: 7 }', '- { percent: 120 }').replace('lotExpiryDays: 365', 'lotExpiryDays: 365\n  expiryDays: 30'));
    const { out, err, exitCode } = await run(['check', bad]);
    expect(exitCode).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(`${bad}: 2 problem(s)\n  cashback.tiers[1].percent: must be between 0 and 100\n  cashback.expiryDays: unknown key\n`);
  });

  it('reports YAML syntax errors and missing files without a stack trace', async () => {
    const broken = file('broken.yaml', 'currency: RUB\npipelines: [\n');
    expect((await run(['check', broken])).err).toMatch(/^.*broken\.yaml: 1 problem\(s\)\n {2}line 3, column 1: /);
    const missing = await run(['check', join(dir, 'nope.yaml')]);
    expect(missing).toMatchObject({ exitCode: 1, err: `${join(dir, 'nope.yaml')}: 1 problem(s)\n  cannot read the file (ENOENT)\n` });
  });
});

describe('loyalty rules simulate', () => {
  it('shows what each programme grants for the example history', async () => {
    const { out, exitCode } = await run(['simulate', '--rules', RULES, '--history', HISTORY]);
    expect(exitCode).toBe(0);
    expect(out).toMatch(/2026-03-05 00:00 +1 +referral +referral discount 0 % → 5 % +deal 203 of referred contact 4 qualifies/);
    expect(out).toMatch(/2026-03-20 00:00 +1 +referral +referral discount 5 % → 0 % +deal 203 was reversed/);
    expect(out).toMatch(/rejected: self-referral/);
    expect(out).toMatch(/cumulative discount — not applicable in pipeline Travel club/);
    // Anna: 7 % of deal 205 (5 600.00) and, as payer of the travel-club deal 300, 7 % of all 90 000.00 (6 300.00), plus
    // the 500.00 review bonus.
    expect(out).toMatch(/\n1 +Anna +2 +0 % +2 +3 % +12400\.00/);
  });

  it('prints JSON with --json', async () => {
    const { out } = await run(['simulate', '--rules', RULES, '--history', HISTORY, '--json']);
    const result = JSON.parse(out) as { contacts: { contactId: string; cashbackAvailableMinor: number }[] };
    // Boris travelled on deal 300 but did not pay for it: no cashback from it.
    expect(result.contacts.find((c) => c.contactId === '2')?.cashbackAvailableMinor).toBe(570_000);
  });

  it('names the problems of a bad history file', async () => {
    const history = file('history.json', JSON.stringify({ asOf: '2026-13-01', contacts: [{ id: '1', nick: 'x' }], deals: [{ id: 'd', contacts: [], pipeline: 0, amount: '1.234', wonAt: '2026-01-01' }] }));
    const { err, exitCode } = await run(['simulate', '--rules', RULES, '--history', history]);
    expect(exitCode).toBe(1);
    expect(err).toBe(
      `${history}: 4 problem(s)\n` +
        '  asOf: must be a date YYYY-MM-DD or an ISO date-time with offset, got "2026-13-01"\n' +
        '  contacts[0].nick: unknown key\n' +
        '  deals[0].contacts: must have at least 1 item(s)\n' +
        '  deals[0].amount: must have at most 2 decimal places\n',
    );
  });

  it('requires both files', async () => {
    const { exitCode, err } = await run(['simulate', '--rules', RULES]);
    expect(exitCode).toBe(1);
    expect(err).toContain("required option '--history <file>' not specified");
  });
});
