import pino, { type Logger as PinoLogger } from 'pino';

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevelName[] = ['trace', 'debug', 'info', 'warn', 'error'];

/**
 * Secrets can reach a log line through an error's request config or a settings object; pino blanks these
 * paths before anything is written.
 */
const REDACTED_PATHS = [
  'apiKey', '*.apiKey', 'token', '*.token', 'accessToken', '*.accessToken', 'refreshToken', '*.refreshToken',
  'webhookUrl', '*.webhookUrl', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'config.url', 'err.config.url', 'clientSecret', '*.clientSecret', 'applicationToken', '*.applicationToken',
];

export interface JsonLoggerOptions {
  /** The process's role, e.g. `worker` or `bridge`: the `service` field of every line. */
  service: string;
  level: LogLevelName;
  /** Where lines go; standard output by default (a test can pass a stream to read them back). */
  destination?: pino.DestinationStream;
}

/** One JSON object per line: `time` (ISO 8601), `level` (name), `service`, `msg`, plus the line's fields. */
export function createJsonLogger(options: JsonLoggerOptions): PinoLogger {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
