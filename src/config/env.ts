/**
 * The engine's environment configuration, validated as a whole: every problem is listed by variable name and
 * no message ever contains a secret's value (API keys, tokens, the webhook URL's secret path).
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { formatIssues } from './issues';

const port = (fallback: number) =>
  z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number from 1 to 65535')
    .transform(Number)
    .pipe(z.number().min(1, 'must be a port number from 1 to 65535').max(65_535, 'must be a port number from 1 to 65535'))
    .default(fallback);
const optionalText = z.string().trim().min(1).optional();
const secret = (minLength: number) => z.string().min(minLength, `must be at least ${minLength} characters`).optional();

const envSchema = z
  .object({
    TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port').default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
    TEMPORAL_TLS_CERT: optionalText,
    TEMPORAL_TLS_KEY: optionalText,
    TEMPORAL_API_KEY: secret(1),
    BITRIX24_PORTAL: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be the portal domain such as example.bitrix24.ru'),
    BITRIX24_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://portal/rest/1/secret/' }).optional(),
    BITRIX24_CLIENT_ID: optionalText,
    BITRIX24_CLIENT_SECRET: secret(1),
    BITRIX24_APPLICATION_TOKEN: secret(8),
    LOYALTY_BRIDGE_PORT: port(8080),
    LOYALTY_ADMIN_PORT: port(8081),
    LOYALTY_ADMIN_TOKEN: z.string({ error: 'is required' }).min(24, 'must be at least 24 characters'),
    LOYALTY_TIME_ZONE: z.string().refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Moscow'),
  })
  .superRefine((env, ctx) => {
    const report = (path: string, message: string): void => ctx.addIssue({ code: 'custom', path: [path], message });
    if ((env.TEMPORAL_TLS_CERT === undefined) !== (env.TEMPORAL_TLS_KEY === undefined)) {
      report(env.TEMPORAL_TLS_CERT === undefined ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together');
    }
    const oauth = env.BITRIX24_CLIENT_ID !== undefined || env.BITRIX24_CLIENT_SECRET !== undefined;
    if (env.BITRIX24_WEBHOOK_URL !== undefined && oauth) report('BITRIX24_WEBHOOK_URL', 'set either the webhook URL or the OAuth app credentials, not both');
    if (env.BITRIX24_WEBHOOK_URL === undefined && !oauth) report('BITRIX24_WEBHOOK_URL', 'is required unless BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET are set');
    if (oauth && env.BITRIX24_CLIENT_ID === undefined) report('BITRIX24_CLIENT_ID', 'is required with BITRIX24_CLIENT_SECRET');
    if (oauth && env.BITRIX24_CLIENT_SECRET === undefined) report('BITRIX24_CLIENT_SECRET', 'is required with BITRIX24_CLIENT_ID');
    if (env.LOYALTY_BRIDGE_PORT === env.LOYALTY_ADMIN_PORT) report('LOYALTY_ADMIN_PORT', 'must differ from LOYALTY_BRIDGE_PORT');
  });

export type BitrixAccess = { mode: 'webhook'; webhookUrl: string } | { mode: 'oauth'; clientId: string; clientSecret: string };

export interface EngineEnv {
  temporal: { address: string; namespace: string; tls: { certPath: string; keyPath: string } | null; apiKey: string | null };
  bitrix24: { portal: string; access: BitrixAccess; applicationToken: string | null };
  bridgePort: number;
  adminPort: number;
  adminToken: string;
  timeZone: string;
}

export class EnvConfigError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`invalid environment configuration\n${errors.map((e) => `  ${e}`).join('\n')}`);
    this.name = 'EnvConfigError';
  }
}

/** Reads the engine configuration from `env` (normally `process.env`); throws `EnvConfigError` listing every problem. */
export function loadEngineEnv(env: Readonly<Record<string, string | undefined>>): EngineEnv {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  // Issues are built without the input so that a secret's value can never reach an error message.
  const result = envSchema.safeParse(blankAsUnset, { reportInput: false });
  if (!result.success) throw new EnvConfigError(formatIssues(result.error.issues));
  const v = result.data;
  return {
    temporal: {
      address: v.TEMPORAL_ADDRESS,
      namespace: v.TEMPORAL_NAMESPACE,
      tls: v.TEMPORAL_TLS_CERT !== undefined && v.TEMPORAL_TLS_KEY !== undefined ? { certPath: v.TEMPORAL_TLS_CERT, keyPath: v.TEMPORAL_TLS_KEY } : null,
      apiKey: v.TEMPORAL_API_KEY ?? null,
    },
    bitrix24: {
      portal: v.BITRIX24_PORTAL,
      access:
        v.BITRIX24_WEBHOOK_URL !== undefined
          ? { mode: 'webhook', webhookUrl: v.BITRIX24_WEBHOOK_URL }
          : { mode: 'oauth', clientId: v.BITRIX24_CLIENT_ID ?? '', clientSecret: v.BITRIX24_CLIENT_SECRET ?? '' },
      applicationToken: v.BITRIX24_APPLICATION_TOKEN ?? null,
    },
    bridgePort: v.LOYALTY_BRIDGE_PORT,
    adminPort: v.LOYALTY_ADMIN_PORT,
    adminToken: v.LOYALTY_ADMIN_TOKEN,
    timeZone: v.LOYALTY_TIME_ZONE,
  };
}

const HIDDEN = '***';

/** A printable summary: secrets are replaced, the webhook URL keeps only its origin. */
export function describeEngineEnv(config: EngineEnv): Record<string, string> {
  const access = config.bitrix24.access;
  return {
    temporal: `${config.temporal.address} namespace ${config.temporal.namespace}${config.temporal.tls ? ' (mTLS)' : ''}${config.temporal.apiKey ? ' (API key)' : ''}`,
    bitrix24: `${config.bitrix24.portal} via ${access.mode === 'webhook' ? `webhook ${new URL(access.webhookUrl).origin}/rest/${HIDDEN}` : `OAuth app ${access.clientId}`}`,
    applicationToken: config.bitrix24.applicationToken === null ? 'not set' : HIDDEN,
    ports: `bridge ${config.bridgePort}, admin ${config.adminPort}`,
    adminToken: HIDDEN,
    timeZone: config.timeZone,
  };
}
