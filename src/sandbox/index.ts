/**
 * Sandbox Bitrix24 portal: a real HTTP server speaking the Bitrix24 REST wire protocol, for tests, the demo
 * and benchmarks. It must agree with real Bitrix24 (see /work/shared/reference/bitrix24-rest.md), never with
 * our own client.
 *
 *   const sandbox = await startSandbox({ limits: false });
 *   await axios.post(`${sandbox.webhookUrl}crm.deal.get`, { id: 1 });
 *   sandbox.portal.deals.setStage(1, 'WON');      // a manager's action: fires ONCRMDEALUPDATE to subscribers
 *   await sandbox.stop();
 *
 * Options (`SandboxOptions`, types.ts): port (0 = random), portal {domain, memberId, timeZone}, webhooks
 * [{userId, secret}], oauthApps [{clientId, clientSecret, applicationToken}], limits (false | {burst, drainPerSecond,
 * operatingLimitSeconds, operatingWindowSeconds, operatingCostSeconds}), outgoingWebhooks [{handlerUrl, events,
 * applicationToken}], faults (`FaultConfig`), seed (`SandboxSeed` object or YAML/JSON file path; default
 * fixtures/sandbox-company.yaml), snapshotFile (state loaded at start when present, saved after changes and on stop),
 * clock (epoch ms), invalidCredentialsStatus (401 default, 403 per the docs' table).
 *
 * `portal` (`SandboxPortal`, portal.ts): deals.{add, update, setStage, moveToCategory, setProductRows, setContacts,
 * delete, get, ids, productRows, contacts, stageHistory}, contacts.{add, update, delete, get, ids},
 * timeline.{add, list}, userFields.{add, list}, stages(categoryId?), categories(), notifications(), offlineEvents(),
 * eventLog(), settleEvents(), state (raw in-memory state). Writes take an optional `{userId, robot, authConnector}`.
 *
 * HTTP admin API (loopback only, admin.ts): GET /sandbox/stats, /sandbox/events, /sandbox/notifications,
 * /sandbox/stages, /sandbox/contacts/:id, /sandbox/deals/:id; POST /sandbox/faults, /sandbox/seed, /sandbox/contacts,
 * /sandbox/contacts/:id, /sandbox/deals, /sandbox/deals/:id, /sandbox/deals/:id/stage, /sandbox/deals/:id/category,
 * /sandbox/deals/:id/product-rows, /sandbox/deals/:id/comments.
 */
import { registerAdminRoutes } from './admin';
import { ApplicationLifecycle } from './app-lifecycle';
import { type DeliveryRecord, EventDispatcher } from './events/delivery';
import { FaultInjector } from './faults';
import { type IssuedToken, type PortalEndpoints, TokenAuthority } from './oauth';
import { SandboxPortal } from './portal';
import { applySeed, DEFAULT_SEED_FILE, readSeedFile } from './seed';
import { buildServer, LimitState } from './server';
import { emptyState, loadSnapshot, type PortalState, saveSnapshot } from './state/store';
import { type FaultConfig, type SandboxOptions, type SandboxSeed, type SandboxStats } from './types';

export type { FaultConfig, SandboxOptions, SandboxSeed, SandboxStats } from './types';
export type { EventFaults, LimitOptions, OAuthApp, OutgoingWebhook, SeedCategory, SeedDeal, SeedProduct, SeedStage } from './types';
export type { ActAs, SandboxPortal } from './portal';
export type { DeliveryRecord } from './events/delivery';

export interface SandboxHandle {
  baseUrl: string;
  webhookUrl: string;
  oauthEndpoint: string;
  stats(): SandboxStats;
  resetStats(): void;
  setFaults(f: FaultConfig): void;
  setLimits(l: SandboxOptions['limits']): void;
  /** Installs-time style token pair for an app; `expiresAt` is unix seconds, like `expires` in the token payload. */
  issueOAuthToken(clientId: string, opts?: { expiresInSeconds?: number }): IssuedToken;
  /** An administrator installs the app: ONAPPINSTALL with a fresh token pair goes to `handlerUrl` (awaited). */
  installApplication(clientId: string, handlerUrl: string): Promise<DeliveryRecord>;
  /** An administrator removes the app: its tokens and bindings are revoked, ONAPPUNINSTALL goes to `handlerUrl`. */
  uninstallApplication(clientId: string, handlerUrl: string): Promise<DeliveryRecord>;
  portal: SandboxPortal;
  stop(): Promise<void>;
}

const DEFAULT_LIMITS = { burst: 50, drainPerSecond: 2 };
const DEFAULT_WEBHOOK = { userId: 1, secret: 'sandbox-secret' };
const SNAPSHOT_DEBOUNCE_MS = 50;

function emptyStats(): SandboxStats {
  return { httpRequests: 0, rejected503: 0, rejected429: 0, byMethod: {}, restCommands: 0, eventsDelivered: 0, eventsFailed: 0, eventsDropped: 0 };
}

function resolveSeed(seed: SandboxOptions['seed']): SandboxSeed {
  if (seed === undefined) return readSeedFile(DEFAULT_SEED_FILE);
  return typeof seed === 'string' ? readSeedFile(seed) : seed;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const now = options.clock ?? Date.now;
  const timeZone = options.portal?.timeZone ?? 'Europe/Moscow';
  const webhooks = options.webhooks ?? [DEFAULT_WEBHOOK];
  let baseUrl = '';
  const endpoints = (): PortalEndpoints => ({
    domain: options.portal?.domain ?? new URL(baseUrl).host,
    memberId: options.portal?.memberId ?? 'sandbox0member0id0000000000000000',
    clientEndpoint: `${baseUrl}/rest/`,
    serverEndpoint: `${baseUrl}/rest/`,
  });
  const faults = new FaultInjector(options.faults);
  let snapshotTimer: NodeJS.Timeout | undefined;
  const persist = (): void => {
    if (!options.snapshotFile || snapshotTimer) return;
    snapshotTimer = setTimeout(() => {
      snapshotTimer = undefined;
      saveSnapshot(options.snapshotFile!, portal.state);
    }, SNAPSHOT_DEBOUNCE_MS);
  };
  const currentState = (): PortalState => portal.state;
  const tokens = new TokenAuthority(currentState, options.oauthApps ?? [], now, endpoints);
  const dispatcher: EventDispatcher = new EventDispatcher(currentState, options.outgoingWebhooks ?? [], faults, tokens, endpoints, now);
  const portal: SandboxPortal = new SandboxPortal(now, timeZone, dispatcher, persist);
  const applications = new ApplicationLifecycle(currentState, tokens, dispatcher, endpoints, now);

  const snapshot = options.snapshotFile ? loadSnapshot(options.snapshotFile) : undefined;
  if (snapshot) portal.state = snapshot;
  else applySeed(portal, resolveSeed(options.seed));

  const stats = emptyStats();
  const limits = new LimitState(now);
  limits.configure(options.limits === undefined ? DEFAULT_LIMITS : options.limits);
  const { app, hangs } = buildServer(
    { portal, tokens, faults, webhooks, invalidCredentialsStatus: options.invalidCredentialsStatus ?? 401, now, stats },
    limits,
  );
  registerAdminRoutes(app, {
    portal,
    stats: () => currentStats(),
    setFaults: (f) => faults.set(f),
    reseed: (seed) => {
      portal.state = emptyState();
      applySeed(portal, seed);
    },
  });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  baseUrl = `http://127.0.0.1:${port}`;

  function currentStats(): SandboxStats {
    const log = dispatcher.log;
    return {
      ...stats,
      byMethod: { ...stats.byMethod },
      eventsDelivered: log.filter((r) => r.status === 'delivered').length,
      eventsFailed: log.filter((r) => r.status === 'failed').length,
      eventsDropped: log.filter((r) => r.status === 'dropped').length,
    };
  }

  const first = webhooks[0];
  return {
    baseUrl,
    webhookUrl: first ? `${baseUrl}/rest/${first.userId}/${first.secret}/` : `${baseUrl}/rest/`,
    oauthEndpoint: `${baseUrl}/oauth/token/`,
    stats: currentStats,
    resetStats: () => {
      const fresh = emptyStats();
      Object.assign(stats, fresh);
      stats.byMethod = {};
      dispatcher.log.length = 0;
    },
    setFaults: (f) => faults.set(f),
    setLimits: (l) => limits.configure(l === undefined ? DEFAULT_LIMITS : l),
    issueOAuthToken: (clientId, opts) => tokens.issue(clientId, 1, opts?.expiresInSeconds),
    installApplication: (clientId, handlerUrl) => applications.install(clientId, handlerUrl),
    uninstallApplication: (clientId, handlerUrl) => applications.uninstall(clientId, handlerUrl),
    portal,
    stop: async () => {
      for (const timer of hangs) clearTimeout(timer);
      hangs.clear();
      dispatcher.cancelPending();
      await app.close();
      if (snapshotTimer) clearTimeout(snapshotTimer);
      snapshotTimer = undefined;
      if (options.snapshotFile) saveSnapshot(options.snapshotFile, portal.state);
    },
  };
}
