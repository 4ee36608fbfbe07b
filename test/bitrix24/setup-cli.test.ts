import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JsonFileTokenStore } from '../../src/bitrix24';
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

const APP = { clientId: 'app.setup.test', clientSecret: 'client-secret-of-the-setup-test', applicationToken: 'app-token-of-the-setup-test' };

describe('setup command', () => {
  let sandbox: SandboxHandle | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false, seed: CONTRACT_SEED, oauthApps: [APP] });
  });
  afterEach(() => vi.unstubAllEnvs());
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

  it('takes the OAuth client secret from BITRIX24_CLIENT_SECRET, and its help prefers that to the flag', async () => {
    const running = sandbox!;
    const dir = await mkdtemp(path.join(tmpdir(), 'loyalty-setup-'));
    try {
      const tokenFile = path.join(dir, 'tokens.json');
      const issued = running.issueOAuthToken(APP.clientId, { expiresInSeconds: 3600 });
      const { memberId, accessToken, refreshToken } = issued;
      await new JsonFileTokenStore(tokenFile).save({ memberId, accessToken, refreshToken, expiresAt: issued.expiresAt * 1000, clientEndpoint: `${running.baseUrl}/rest/` });
      vi.stubEnv('BITRIX24_CLIENT_SECRET', APP.clientSecret);

      const lines = await runSetup(['--token-file', tokenFile, '--member-id', memberId, '--client-id', APP.clientId, '--token-url', running.oauthEndpoint]);
      expect(lines.at(-1)).toMatch(/^fields: \d+ created, \d+ already present$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const help = setupCommand().options.find((option) => option.long === '--client-secret')?.description;
    expect(help).toContain('prefer $BITRIX24_CLIENT_SECRET');
  });

  it('refuses application mode without its credentials, naming what is missing', async () => {
    await expect(runSetup(['--token-file', '/tmp/none.json', '--member-id', 'm'])).rejects.toThrow(/BITRIX24_CLIENT_ID: is required/);
  });
});
