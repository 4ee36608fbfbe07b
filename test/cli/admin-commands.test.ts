import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loyaltyProgram } from '../../src/cli/program';

const ROOT = path.resolve(__dirname, '../..');

/** The real `loyalty` process, with exactly the environment given (plus PATH so tsx can find node). */
function loyalty(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

function everyCommand(command: Command): Command[] {
  return [command, ...command.commands.flatMap(everyCommand)];
}

/** A Temporal address that counts connection attempts: a refused request must make none. */
let probe: net.Server;
let probeAddress: string;
let connections = 0;
beforeAll(async () => {
  probe = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  probeAddress = `127.0.0.1:${(probe.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => probe.close(() => resolve())));

describe('loyalty --help', () => {
  it('documents every command and every option', () => {
    const commands = everyCommand(loyaltyProgram());
    const names = commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(['start', 'worker', 'bridge', 'admin', 'inspect', 'contact', 'bonus', 'redeem', 'setup', 'rules', 'sandbox', 'reconcile', 'backfill']));
    for (const command of commands) {
      expect(command.description(), `${command.name()} has a description`).not.toBe('');
      for (const option of command.options) expect(option.description, `${command.name()} ${option.flags}`).not.toBe('');
      expect(command.helpInformation()).toContain('--help');
    }
  });
});

describe('configuration is checked before anything starts', () => {
  it('lists every environment problem by variable name and exits 2, secrets withheld', async () => {
    const result = await loyalty(['worker'], {
      TEMPORAL_ADDRESS: 'no-port',
      LOYALTY_ADMIN_PORT: '70000',
      BITRIX24_CLIENT_ID: 'local.app',
      BITRIX24_CLIENT_SECRET: 'client-secret-value',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('loyalty: invalid environment configuration');
    for (const line of [
      'TEMPORAL_ADDRESS: must be host:port',
      'LOYALTY_ADMIN_PORT: must be a port number from 0 to 65535 (0: any free port)',
      'BITRIX24_MEMBER_ID: is required with BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET',
      'BITRIX24_TOKEN_FILE: is required with BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET',
    ]) {
      expect(result.stderr).toContain(line);
    }
    expect(result.stderr).not.toContain('client-secret-value');
  });

  it('checks the worker\'s production settings (LOYALTY_WORKER_*) before connecting', async () => {
    const result = await loyalty(['worker', '--temporal-address', probeAddress, '--webhook-url', 'http://127.0.0.1:9/rest/1/secret/'], {
      LOYALTY_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LOYALTY_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: must be at least 2');
    expect(connections).toBe(0);
  });

  it('names the portal access a command needs', async () => {
    const result = await loyalty(['redeem', '--contact', '1', '--deal', '2', '--amount', '10', '--temporal-address', probeAddress]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('BITRIX24_WEBHOOK_URL: is required unless the OAuth application is configured');
    expect(connections).toBe(0);
  });

  it('reports a broken rules file with its problems and exits 2', async () => {
    const result = await loyalty(['bonus', 'review', '--contact', '3', '--reason', 'a very good review', '--author', '5', '--rules', 'no-such-rules.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no-such-rules.yaml: invalid loyalty rules');
    expect(result.stderr).toContain('cannot read the file: ENOENT');
  });
});

describe('loyalty bonus refused by the rules', () => {
  it('lists every broken rule, exits 2 and never contacts Temporal', async () => {
    const result = await loyalty(['bonus', 'apology', '--contact', '12', '--amount', '5000', '--reason', 'late', '--author', '99', '--temporal-address', probeAddress]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('apology bonus refused');
    expect(result.stderr).toContain('amount: 500000 exceeds the apology bonus maximum 300000 (minor units)');
    expect(result.stderr).toContain('reason: must be at least 20 characters, got 4');
    expect(result.stderr).toContain('user 99 may not grant apology bonuses');
    expect(result.stdout).toBe('');
    expect(connections).toBe(0);
  });

  it('refuses a malformed amount and request id by name', async () => {
    const result = await loyalty(['bonus', 'review', '--contact', '12', '--amount', '12.345', '--reason', 'a five-star review', '--author', '7', '--request-id', 'has space', '--temporal-address', probeAddress]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('requestId: must be 1 to 128 letters, digits');
    expect(result.stderr).toContain('amount: must have at most 2 decimal places');
    expect(connections).toBe(0);
  });
});
