/**
 * The engine's environment configuration, validated as a whole: every problem is listed by variable name and
 * no message ever contains a secret's value (API keys, tokens, the webhook URL's secret path).
 *
 * Commands read what they need through `loadEngineEnv(env, requirements)`: the Temporal connection (the variables
 * Temporal documents, read by `src/temporal/envconfig.ts`), the portal key, task queue and rules file, the portal
 * access (incoming webhook or OAuth application), the bridge and admin ports and the admin API token.
 */
import path from 'node:path';
import { z } from 'zod';
import { LOYALTY_TASK_QUEUE } from '../temporal/task-queues';
import { temporalConnectionOptions, TemporalConnectionConfigError, type TemporalConnectionOptions, type TemporalConnectionSettings } from '../temporal/connection';
import { readTemporalEnvConfig, TemporalEnvConfigError } from '../temporal/envconfig';
import { formatIssues } from './issues';
import { PORTAL_KEY_PATTERN, PORTAL_KEY_RULE } from './portal-key';

type Env = Readonly<Record<string, string | undefined>>;

const PORT_MESSAGE = 'must be a port number from 0 to 65535 (0: any free port)';
const port = (fallback: number) =>
  z
    .string()
    .regex(/^\d{1,5}$/, PORT_MESSAGE)
    .transform(Number)
    .pipe(z.number().max(65_535, PORT_MESSAGE))
    .default(fallback);
const optionalText = z.string().trim().min(1).optional();
const secret = (minLength: number) => z.string().min(minLength, `must be at least ${minLength} characters`).optional();

const envSchema = z.object({
  LOYALTY_PORTAL: z.string().trim().regex(PORTAL_KEY_PATTERN, PORTAL_KEY_RULE).default('sandbox'),
  LOYALTY_TASK_QUEUE: z.string().trim().min(1).default(LOYALTY_TASK_QUEUE),
  LOYALTY_RULES_FILE: z.string().trim().min(1).default('loyalty.config.yaml'),
  BITRIX24_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://portal/rest/1/secret/' }).optional(),
  BITRIX24_CLIENT_ID: optionalText,
  BITRIX24_CLIENT_SECRET: secret(1),
  BITRIX24_MEMBER_ID: optionalText,
  BITRIX24_TOKEN_FILE: optionalText,
  LOYALTY_BRIDGE_PORT: port(8080),
  LOYALTY_ADMIN_PORT: port(8081),
  LOYALTY_ADMIN_TOKEN: secret(24),
  LOYALTY_WORKFLOW_BUNDLE: optionalText,
  LOYALTY_DATA_DIR: z.string().trim().min(1).default(path.join('.tools', 'data')),
  LOYALTY_DEV_SERVER_PORT: port(7233),
  LOYALTY_DEV_UI_PORT: port(8233),
});

type ParsedEnv = z.infer<typeof envSchema>;

/** What a command cannot run without; everything else has a default or is optional. */
export interface EnvRequirements {
  /** BITRIX24_WEBHOOK_URL, or the OAuth application (BITRIX24_CLIENT_ID, _SECRET, _MEMBER_ID, _TOKEN_FILE). */
  portalAccess?: boolean;
  /** LOYALTY_ADMIN_TOKEN. */
  adminToken?: boolean;
}

/** Command-line flags win over the variable they stand for, and are checked the same way. */
export interface EnvOverrides {
  temporalAddress?: string;
  namespace?: string;
  portal?: string;
  taskQueue?: string;
  rulesFile?: string;
  webhookUrl?: string;
  clientId?: string;
  clientSecret?: string;
  memberId?: string;
  tokenFile?: string;
  workflowBundle?: string;
  adminPort?: string;
  devServerPort?: string;
  devUiPort?: string;
  dataDir?: string;
}

const OVERRIDDEN: Record<keyof EnvOverrides, string> = {
  temporalAddress: 'TEMPORAL_ADDRESS',
  namespace: 'TEMPORAL_NAMESPACE',
  portal: 'LOYALTY_PORTAL',
  taskQueue: 'LOYALTY_TASK_QUEUE',
  rulesFile: 'LOYALTY_RULES_FILE',
  webhookUrl: 'BITRIX24_WEBHOOK_URL',
  clientId: 'BITRIX24_CLIENT_ID',
  clientSecret: 'BITRIX24_CLIENT_SECRET',
  memberId: 'BITRIX24_MEMBER_ID',
  tokenFile: 'BITRIX24_TOKEN_FILE',
  workflowBundle: 'LOYALTY_WORKFLOW_BUNDLE',
  adminPort: 'LOYALTY_ADMIN_PORT',
  devServerPort: 'LOYALTY_DEV_SERVER_PORT',
  devUiPort: 'LOYALTY_DEV_UI_PORT',
  dataDir: 'LOYALTY_DATA_DIR',
};

export type BitrixAccess =
  | { mode: 'webhook'; webhookUrl: string }
  | { mode: 'oauth'; clientId: string; clientSecret: string; memberId: string; tokenFile: string };

export interface EngineEnv {
  temporal: TemporalConnectionSettings;
  /** Whether TEMPORAL_ADDRESS was given: `loyalty start` runs its own dev server when it was not. */
  temporalAddressGiven: boolean;
  /** SDK options for `Connection.connect` / `NativeConnection.connect`, certificate files already read. */
  temporalConnection: TemporalConnectionOptions;
  /** Portal key in workflow ids and search attributes. */
  portal: string;
  taskQueue: string;
  rulesFile: string;
  bitrix24: { access: BitrixAccess | null };
  bridgePort: number;
  admin: { port: number; token: string | null };
  /** A prebuilt workflow bundle; null: bundled when the worker starts. */
  workflowBundle: string | null;
  /** `loyalty start`: the embedded dev server's ports, and where it and the sandbox keep their state. */
  local: { devServerPort: number; devUiPort: number; dataDir: string };
}

export class EnvConfigError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`invalid environment configuration\n${errors.map((e) => `  ${e}`).join('\n')}`);
    this.name = 'EnvConfigError';
  }
}

/**
 * Reads the engine configuration from `env` (normally `process.env`); throws `EnvConfigError` listing every
 * problem, including a variable a command requires that is unset.
 */
export function loadEngineEnv(env: Env, requirements: EnvRequirements = {}, overrides: EnvOverrides = {}): EngineEnv {
  const flags = Object.entries(overrides).map(([key, value]) => [OVERRIDDEN[key as keyof EnvOverrides], value] as const);
  const blankAsUnset = Object.fromEntries([...Object.entries(env), ...flags].filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));
  const errors: string[] = [];
  const temporal = readTemporal(blankAsUnset, errors);
  // Issues are built without the input so that a secret's value can never reach an error message.
  const result = envSchema.safeParse(blankAsUnset, { reportInput: false });
  if (!result.success) errors.push(...formatIssues(result.error.issues));
  else if (result.data.LOYALTY_BRIDGE_PORT !== 0 && result.data.LOYALTY_BRIDGE_PORT === result.data.LOYALTY_ADMIN_PORT) errors.push('LOYALTY_ADMIN_PORT: must differ from LOYALTY_BRIDGE_PORT');
  errors.push(...crossVariableProblems((name) => blankAsUnset[name] !== undefined, requirements));
  if (errors.length > 0 || temporal === null || !result.success) throw new EnvConfigError(errors);
  const v = result.data;
  return {
    temporal: temporal.settings,
    temporalAddressGiven: blankAsUnset.TEMPORAL_ADDRESS !== undefined,
    temporalConnection: temporal.options,
    portal: v.LOYALTY_PORTAL,
    taskQueue: v.LOYALTY_TASK_QUEUE,
    rulesFile: v.LOYALTY_RULES_FILE,
    bitrix24: { access: accessOf(v) },
    bridgePort: v.LOYALTY_BRIDGE_PORT,
    admin: { port: v.LOYALTY_ADMIN_PORT, token: v.LOYALTY_ADMIN_TOKEN ?? null },
    workflowBundle: v.LOYALTY_WORKFLOW_BUNDLE ?? null,
    local: { devServerPort: v.LOYALTY_DEV_SERVER_PORT, devUiPort: v.LOYALTY_DEV_UI_PORT, dataDir: v.LOYALTY_DATA_DIR },
  };
}

function readTemporal(env: Env, errors: string[]): { settings: TemporalConnectionSettings; options: TemporalConnectionOptions } | null {
  try {
    const settings = readTemporalEnvConfig(env);
    return { settings, options: temporalConnectionOptions(settings) };
  } catch (error) {
    if (error instanceof TemporalEnvConfigError) errors.push(...error.errors);
    else if (error instanceof TemporalConnectionConfigError) errors.push(error.message);
    else throw error;
    return null;
  }
}

const OAUTH_VARIABLES = ['BITRIX24_CLIENT_ID', 'BITRIX24_CLIENT_SECRET', 'BITRIX24_MEMBER_ID', 'BITRIX24_TOKEN_FILE'] as const;

/** Rules across variables, on which are set: checked even when a value is malformed, so every problem is listed at once. */
function crossVariableProblems(set: (name: string) => boolean, requirements: EnvRequirements): string[] {
  const problems: string[] = [];
  const oauthSet = OAUTH_VARIABLES.filter(set);
  if (set('BITRIX24_WEBHOOK_URL') && oauthSet.length > 0) {
    problems.push('BITRIX24_WEBHOOK_URL: set either the webhook URL or the OAuth application (BITRIX24_CLIENT_ID …), not both');
  } else if (oauthSet.length > 0) {
    for (const name of OAUTH_VARIABLES) if (!set(name)) problems.push(`${name}: is required with ${oauthSet.join(', ')}`);
  } else if (requirements.portalAccess && !set('BITRIX24_WEBHOOK_URL')) {
    problems.push(`BITRIX24_WEBHOOK_URL: is required unless the OAuth application is configured (${OAUTH_VARIABLES.join(', ')})`);
  }
  if (requirements.adminToken && !set('LOYALTY_ADMIN_TOKEN')) problems.push('LOYALTY_ADMIN_TOKEN: is required');
  return problems;
}

function accessOf(v: ParsedEnv): BitrixAccess | null {
  if (v.BITRIX24_WEBHOOK_URL !== undefined) return { mode: 'webhook', webhookUrl: v.BITRIX24_WEBHOOK_URL };
  const { BITRIX24_CLIENT_ID: clientId, BITRIX24_CLIENT_SECRET: clientSecret, BITRIX24_MEMBER_ID: memberId, BITRIX24_TOKEN_FILE: tokenFile } = v;
  if (clientId === undefined || clientSecret === undefined || memberId === undefined || tokenFile === undefined) return null;
  return { mode: 'oauth', clientId, clientSecret, memberId, tokenFile };
}

const HIDDEN = '***';

/** A printable summary: secrets are replaced, the webhook URL keeps only its origin. */
export function describeEngineEnv(config: EngineEnv): Record<string, string> {
  const access = config.bitrix24.access;
  const { temporal } = config;
  return {
    temporal: `${temporal.address} namespace ${temporal.namespace}${temporal.tls ? ' (mTLS)' : ''}${temporal.apiKey ? ' (API key)' : ''}`,
    portal: config.portal,
    bitrix24:
      access === null ? 'no portal access configured'
      : access.mode === 'webhook' ? `webhook ${new URL(access.webhookUrl).origin}/rest/${HIDDEN}`
      : `OAuth app ${access.clientId} on member ${access.memberId}`,
    ports: `bridge ${config.bridgePort}, admin ${config.admin.port}`,
    adminToken: config.admin.token === null ? 'not set' : HIDDEN,
  };
}
