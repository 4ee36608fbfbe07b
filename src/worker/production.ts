import { createJsonLogger } from '../observability/logger';
import { readObservabilitySettings, type ObservabilitySettings } from '../observability/settings';
import { installTemporalRuntime } from '../observability/temporal-runtime';
import { readWorkerTuning, type WorkerTuning } from './tuning';

export interface WorkerProcessSettings {
  observability: ObservabilitySettings;
  tuning: WorkerTuning;
}

/** LOYALTY_LOG_LEVEL, LOYALTY_METRICS_ADDRESS and LOYALTY_WORKER_*, validated; nothing is started. */
export function readWorkerProcessSettings(env: Readonly<Record<string, string | undefined>>): WorkerProcessSettings {
  return { observability: readObservabilitySettings(env), tuning: readWorkerTuning(env) };
}

/**
 * Installs the Temporal Runtime: the SDK's, workflows' and activities' lines as JSON on stdout, and the Prometheus
 * endpoint. Once per process, after Temporal answered and before `startLoyaltyWorker`: an installed Runtime keeps
 * the process alive and takes SIGINT/SIGTERM over, so a worker that cannot reach Temporal would neither exit nor
 * stop when told to.
 */
export function installWorkerRuntime(settings: WorkerProcessSettings): void {
  const { logLevel, metricsBindAddress } = settings.observability;
  installTemporalRuntime({ logger: createJsonLogger({ service: 'worker', level: logLevel }), logLevel, metricsBindAddress });
}
