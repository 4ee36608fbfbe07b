import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Command, InvalidArgumentError } from 'commander';
import type { RedemptionContext } from '../admin/context';
import { startAdminServer, type RunningAdminServer } from '../admin/http/server';
import type { Bitrix24Client } from '../bitrix24';
import type { EngineEnv } from '../config/env';
import type { Programme } from '../domain/programme';
import { addEngineOptions, engineEnv, engineProgramme, type EngineFlags } from './configuration';
import { lazyTemporalClient } from './temporal-client';
import { portalClient } from './portal-client';
import { waitForShutdownSignal } from './shutdown-signal';

interface AdminOptions extends EngineFlags {
  port?: string;
  host: string;
}

/** `loyalty admin`: the admin HTTP API alone (`loyalty bridge` and `loyalty start` also run it). */
export function adminCommand(): Command {
  const command = new Command('admin')
    .description('serve the admin API: POST /admin/bonus/{apology|review}, POST /admin/redeem, GET /admin/contacts/:id (bearer token LOYALTY_ADMIN_TOKEN)')
    .option('--port <port>', 'port to listen on (default: $LOYALTY_ADMIN_PORT or 8081)', portText)
    .option('--host <host>', 'interface to listen on', '127.0.0.1');
  return addEngineOptions(command, ['temporal', 'portal', 'taskQueue', 'rules', 'webhook']).action(async (options: AdminOptions) => {
    const env = engineEnv(options, { portalAccess: true, adminToken: true }, { adminPort: options.port });
    const programme = engineProgramme(env);
    const temporal = lazyTemporalClient(env);
    try {
      const admin = await runAdminApi({ env, programme, client: temporal.client, bitrix: portalClient(env.bitrix24.access), host: options.host });
      await waitForShutdownSignal();
      await admin.stop();
    } finally {
      await temporal.close();
    }
  });
}

function portText(value: string): string {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) throw new InvalidArgumentError(`--port must be a port number from 0 to 65535, got "${value}"`);
  return value;
}

export interface AdminApiParts {
  env: EngineEnv;
  programme: Programme;
  client: Client;
  bitrix: Bitrix24Client;
  host?: string;
  /** Overrides LOYALTY_ADMIN_TOKEN (`loyalty start` makes one up when it is unset). */
  token?: string;
}

/** Starts the admin API on the configured port and says where; never prints the token. */
export async function runAdminApi(parts: AdminApiParts): Promise<RunningAdminServer> {
  const token = parts.token ?? parts.env.admin.token;
  if (token === null) throw new Error('the admin API needs a token');
  const context: RedemptionContext = { client: parts.client, programme: parts.programme, portal: parts.env.portal, taskQueue: parts.env.taskQueue, bitrix: parts.bitrix };
  const server = await startAdminServer({ context, token, port: parts.env.admin.port, ...(parts.host === undefined ? {} : { host: parts.host }) });
  console.log(`Admin API: ${server.url}/admin (Authorization: Bearer <LOYALTY_ADMIN_TOKEN>)`);
  return server;
}

/**
 * The admin token `loyalty start` uses when LOYALTY_ADMIN_TOKEN is unset: made up on the first start, kept
 * owner-only in the data directory for the next ones, and shown once (when made) so the operator can copy it.
 */
export function localAdminToken(dataDir: string, print: (line: string) => void): string {
  const file = path.resolve(dataDir, 'admin-token');
  if (existsSync(file)) {
    print(`Admin token: in ${file} (LOYALTY_ADMIN_TOKEN unset)`);
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  print(`Admin token (shown this once, kept in ${file}): ${token}`);
  return token;
}
