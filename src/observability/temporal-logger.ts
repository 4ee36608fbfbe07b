import type { Logger as PinoLogger } from 'pino';
import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import { correlationOf } from './correlation';

const PINO_METHOD: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal Runtime's logger, writing through pino: SDK, Core, workflow and activity log lines become JSON
 * with the SDK's context (workflowId, runId, activityType, taskQueue, …) and the portal/contact/deal ids read
 * from the workflow id, so one customer's or one deal's lines can be filtered out of a busy worker.
 */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly pino: PinoLogger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const { error, ...rest } = meta ?? {};
    const fields: Record<string, unknown> = { ...rest, ...correlationOf(typeof rest.workflowId === 'string' ? rest.workflowId : undefined) };
    // pino's error serializer (message, type, stack) applies under `err`.
    if (error !== undefined) fields[error instanceof Error ? 'err' : 'error'] = error;
    this.pino[PINO_METHOD[level]](fields, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
