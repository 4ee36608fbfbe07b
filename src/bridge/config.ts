import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PORTAL_KEY_PATTERN, PORTAL_KEY_RULE } from '../config/portal-key';
import { type PortalConfig } from './portal-registry';

const portalsSchema = z
  .array(
    z.object({
      key: z.string().regex(PORTAL_KEY_PATTERN, PORTAL_KEY_RULE),
      memberId: z.string().min(1, 'must not be empty'),
      // Absent: the portal installs the engine as an application and the token arrives with ONAPPINSTALL.
      applicationToken: z.string().min(8, 'must be at least 8 characters').optional(),
    }),
  )
  .min(1, 'must list at least one portal');

/** The bridge's own settings; Temporal's connection is the engine configuration's (src/config/env.ts). */
export interface BridgeEnv {
  port: number;
  portals: PortalConfig[];
}

const DEFAULT_PORT = 8080;

/** What the bridge reads from its environment besides the engine configuration: LOYALTY_BRIDGE_PORT and the portals (see `readBridgePortals`). */
export function readBridgeEnv(env: Readonly<Record<string, string | undefined>>): BridgeEnv {
  const port = env.LOYALTY_BRIDGE_PORT?.trim() ? parsePort(env.LOYALTY_BRIDGE_PORT, 'LOYALTY_BRIDGE_PORT') : DEFAULT_PORT;
  return { port, portals: readBridgePortals(env) };
}

/** A TCP port, 0 meaning "any free port". */
export function parsePort(text: string, name: string): number {
  const port = Number(text.trim());
  if (!/^\d{1,5}$/.test(text.trim()) || port > 65_535) throw new Error(`${name}: must be a port number from 0 to 65535, got "${text}"`);
  return port;
}

/**
 * The portals the bridge accepts, from `LOYALTY_PORTALS` (JSON array of {key, memberId, applicationToken}) or the
 * JSON file named by `LOYALTY_PORTALS_FILE`. Errors name the variable and the entry, never a token's value.
 */
export function readBridgePortals(env: Readonly<Record<string, string | undefined>>): PortalConfig[] {
  const inline = env.LOYALTY_PORTALS?.trim();
  const file = env.LOYALTY_PORTALS_FILE?.trim();
  if (inline && file) throw new Error('set LOYALTY_PORTALS or LOYALTY_PORTALS_FILE, not both');
  if (!inline && !file) throw new Error('LOYALTY_PORTALS (JSON) or LOYALTY_PORTALS_FILE is required');
  const source = inline ? 'LOYALTY_PORTALS' : `LOYALTY_PORTALS_FILE (${file})`;
  let json: unknown;
  try {
    json = JSON.parse(inline ? inline : readFileSync(file!, 'utf8'));
  } catch (error) {
    throw new Error(`${source}: ${error instanceof SyntaxError ? 'is not valid JSON' : (error as Error).message}`);
  }
  const result = portalsSchema.safeParse(json, { reportInput: false });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`);
    throw new Error(`${source}${problems.join(`; ${source}`)}`);
  }
  return result.data;
}
