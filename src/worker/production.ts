import type { Logger } from 'pino';
import { createJsonLogger } from '../observability/logger';
import { readObservabilitySettings } from '../observability/settings';
import { installTemporalRuntime } from '../observability/temporal-runtime';
import { readWorkerTuning, type WorkerTuning } from './tuning';

export interface PreparedWorkerProcess {
  /** JSON lines on stdout; the same logger receives the SDK's, workflows' and activities' lines. */
  logger: Logger;
  tuning: WorkerTuning;
}

/**
 * What a worker process does before it connects: validates LOYALTY_LOG_LEVEL, LOYALTY_METRICS_ADDRESS and
 * LOYALTY_WORKER_*, then installs the Temporal Runtime with JSON logging and the Prometheus endpoint.
 * Call once per process, before `startLoyaltyWorker`.
 */
export function prepareWorkerProcess(env: Readonly<Record<string, string | undefined>>): PreparedWorkerProcess {
  const observability = readObservabilitySettings(env);
  const tuning = readWorkerTuning(env);
  const logger = createJsonLogger({ service: 'worker', level: observability.logLevel });
  installTemporalRuntime({ logger, logLevel: observability.logLevel, metricsBindAddress: observability.metricsBindAddress });
  return { logger, tuning };
}
