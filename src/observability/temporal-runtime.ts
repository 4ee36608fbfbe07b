import type { Logger as PinoLogger } from 'pino';
import { Runtime } from '@temporalio/worker';
import type { LogLevel } from '@temporalio/common';
import type { LogLevelName } from './logger';
import { PinoTemporalLogger } from './temporal-logger';

export interface TemporalRuntimeSettings {
  logger: PinoLogger;
  logLevel: LogLevelName;
  /** host:port for the runtime's Prometheus `/metrics` (worker and connection metrics); null: no endpoint. */
  metricsBindAddress: string | null;
}

/**
 * Installs the process-wide Temporal Runtime (once, before any worker connection): SDK, Core, workflow and
 * activity logs forwarded to the JSON logger, and Core's metrics served for Prometheus.
 */
export function installTemporalRuntime(settings: TemporalRuntimeSettings): Runtime {
  return Runtime.install({
    logger: new PinoTemporalLogger(settings.logger),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: coreLogLevel(settings.logLevel), other: 'ERROR' } },
      ...(settings.metricsBindAddress
        ? { metrics: { prometheus: { bindAddress: settings.metricsBindAddress, countersTotalSuffix: true, useSecondsForDurations: true } } }
        : {}),
    },
  });
}

/**
 * Core's DEBUG and TRACE lines print history events with their payloads (signal arguments, CRM data), which
 * must never reach the logs; Core therefore stays at WARN whatever the engine's own level.
 */
function coreLogLevel(level: LogLevelName): LogLevel {
  return level === 'error' ? 'ERROR' : 'WARN';
}
