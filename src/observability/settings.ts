import { z } from 'zod';
import { formatIssues } from '../config/issues';
import { LOG_LEVELS, type LogLevelName } from './logger';

export interface ObservabilitySettings {
  logLevel: LogLevelName;
  /** host:port of the worker's Prometheus endpoint (Temporal runtime metrics); null: none. */
  metricsBindAddress: string | null;
}

const schema = z.object({
  LOYALTY_LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOYALTY_METRICS_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port such as 0.0.0.0:9464').optional(),
});

/** LOYALTY_LOG_LEVEL and LOYALTY_METRICS_ADDRESS; a wrong value is reported by variable name. */
export function readObservabilitySettings(env: Readonly<Record<string, string | undefined>>): ObservabilitySettings {
  const result = schema.safeParse(
    { LOYALTY_LOG_LEVEL: env.LOYALTY_LOG_LEVEL?.trim() || undefined, LOYALTY_METRICS_ADDRESS: env.LOYALTY_METRICS_ADDRESS?.trim() || undefined },
    { reportInput: false },
  );
  if (!result.success) {
    throw new Error(`invalid observability settings\n${formatIssues(result.error.issues).map((line) => `  ${line}`).join('\n')}`);
  }
  return { logLevel: result.data.LOYALTY_LOG_LEVEL, metricsBindAddress: result.data.LOYALTY_METRICS_ADDRESS ?? null };
}
