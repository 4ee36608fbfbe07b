import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localAdminToken } from '../../src/cli/admin';

let dataDir: string;
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the admin token loyalty start makes up', () => {
  it('is shown once when made, kept owner-only, and reused (not shown) on the next start', () => {
    dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'loyalty-admin-token-')), 'data');
    const firstLines: string[] = [];
    const token = localAdminToken(dataDir, (line) => firstLines.push(line));

    expect(token.length).toBeGreaterThanOrEqual(24);
    expect(firstLines).toHaveLength(1);
    expect(firstLines[0]).toContain(token);
    const file = path.join(dataDir, 'admin-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const laterLines: string[] = [];
    expect(localAdminToken(dataDir, (line) => laterLines.push(line))).toBe(token);
    expect(laterLines).toEqual([`Admin token: in ${file} (LOYALTY_ADMIN_TOKEN unset)`]);
  });

  it('differs between data directories', () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'loyalty-admin-token-'));
    const quiet = () => undefined;
    expect(localAdminToken(path.join(dataDir, 'a'), quiet)).not.toBe(localAdminToken(path.join(dataDir, 'b'), quiet));
  });
});
