import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setupCommand } from '../../src/cli/setup';
import { type SandboxHandle, startSandbox } from '../../src/sandbox';
import { CONTRACT_SEED } from './helpers/sandbox-seed';

async function runSetup(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  try {
    await setupCommand().parseAsync(args, { from: 'user' });
  } finally {
    log.mockRestore();
  }
  return lines;
}

describe('setup command', () => {
  let sandbox: SandboxHandle | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false, seed: CONTRACT_SEED });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('prints what it created, then that everything is already present, and the outgoing-webhook steps', async () => {
    const webhookUrl = sandbox?.webhookUrl ?? '';
    const first = await runSetup(['--webhook-url', webhookUrl]);
    expect(first).toContain('contact field UF_CRM_LOYALTY_REFERRER: created');
    expect(first).toContain('fields: 14 created, 0 already present');

    const second = await runSetup(['--webhook-url', webhookUrl, '--outgoing-handler-url', 'https://loyalty.example.com/bitrix24/events']);
    expect(second).toContain('deal field UF_CRM_LOYALTY_STATUS: already present');
    expect(second).toContain('fields: 0 created, 14 already present');
    expect(second).toContain('2. Handler URL: https://loyalty.example.com/bitrix24/events');
    expect(second.join('\n')).not.toContain('sandbox-secret');
  });

  it('refuses application mode without its credentials, naming what is missing', async () => {
    await expect(runSetup(['--token-file', '/tmp/none.json', '--member-id', 'm'])).rejects.toThrow(/BITRIX24_CLIENT_ID: is required/);
  });
});
