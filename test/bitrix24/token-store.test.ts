import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonFileTokenStore, type OAuthTokens } from '../../src/bitrix24';

const tokens = (memberId: string, refreshToken: string): OAuthTokens => ({
  memberId,
  accessToken: `access-${refreshToken}`,
  refreshToken,
  expiresAt: 1,
  clientEndpoint: 'https://acme.bitrix24.com/rest/',
});

describe('JsonFileTokenStore', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('persists tenants by member_id across instances and keeps the latest rotation', async () => {
    dir = await mkdtemp(join(tmpdir(), 'b24-tokens-'));
    const path = join(dir, 'nested', 'tokens.json');
    const store = new JsonFileTokenStore(path);
    expect(await store.load('m1')).toBeUndefined();
    await Promise.all([store.save(tokens('m1', 'r1')), store.save(tokens('m2', 'x1')), store.save(tokens('m1', 'r2'))]);
    const reopened = new JsonFileTokenStore(path);
    expect((await reopened.load('m1'))?.refreshToken).toBe('r2');
    expect((await reopened.load('m2'))?.refreshToken).toBe('x1');
    expect(Object.keys(JSON.parse(await readFile(path, 'utf8')) as object)).toEqual(['m1', 'm2']);
  });

  it('lets stores of other processes write the same file at once: each writes its own temporary file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'b24-tokens-'));
    const path = join(dir, 'tokens.json');
    // Two containers (same pid 1 in each) writing one volume: here, two stores of this process.
    const worker = new JsonFileTokenStore(path);
    const bridge = new JsonFileTokenStore(path);
    for (let round = 0; round < 20; round++) {
      await expect(Promise.all([worker.save(tokens('m1', `w${round}`)), bridge.save(tokens('m2', `b${round}`))])).resolves.toBeDefined();
    }
  });

  it('reports a token file that is not JSON without quoting it (it holds tokens)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'b24-tokens-'));
    const path = join(dir, 'tokens.json');
    await writeFile(path, '{"m1": {"refreshToken": "refresh-secret-value"');
    await expect(new JsonFileTokenStore(path).load('m1')).rejects.toThrow(new Error(`token file ${path}: is not valid JSON`));
  });

  it('refuses a file that is not a member_id map', async () => {
    dir = await mkdtemp(join(tmpdir(), 'b24-tokens-'));
    const path = join(dir, 'tokens.json');
    await writeFile(path, '[1,2]');
    await expect(new JsonFileTokenStore(path).load('m1')).rejects.toThrow(/keyed by member_id/);
  });
});
