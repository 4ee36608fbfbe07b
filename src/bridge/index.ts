export { createBridgeServer, EVENTS_PATH, DEFAULT_BODY_LIMIT_BYTES, type BridgeServer, type BridgeServerOptions } from './server';
export { startBridge, type RunningBridge, type StartBridgeOptions } from './start';
export { PortalRegistry, type PortalConfig } from './portal-registry';
export { BridgeMetrics, REJECTION_REASONS, type RejectionReason } from './metrics';
export { readBridgeEnv, readBridgePortals, type BridgeEnv } from './config';
export type { TemporalTarget } from './temporal-client';
