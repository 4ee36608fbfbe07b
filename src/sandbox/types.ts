/** Public configuration types of the sandbox portal (see index.ts for the documented API). */

export interface PortalIdentity {
  domain?: string;
  memberId?: string;
  /** IANA zone used for every datetime the portal prints. Default 'Europe/Moscow'. */
  timeZone?: string;
}

export interface LimitOptions {
  burst: number;
  drainPerSecond: number;
  /** Per method and app/webhook, summed over the window; default 480 s like a cloud portal. */
  operatingLimitSeconds?: number;
  /** Default 600 s = ten 1-minute buckets. */
  operatingWindowSeconds?: number;
  /** Extra emulated execution seconds added to each call of a method (lower-case name) so tests can trip the limit. */
  operatingCostSeconds?: Record<string, number>;
}

export interface EventFaults {
  dropRate?: number;
  duplicateRate?: number;
  /** Share of events held back by `reorderDelayMs` so later events overtake them. */
  reorderRate?: number;
  reorderDelayMs?: number;
  /** Share of app events sent without access tokens, as when a robot or workflow made the change. */
  noTokenRate?: number;
}

export interface FaultConfig {
  /** Seed of the PRNG behind every rate below; without it Math.random is used. */
  seed?: number;
  latencyMs?: number | { min: number; max: number };
  /**
   * Probabilities (0..1) per REST request. `timeout` hangs the request for `hangMs` and then drops the connection;
   * `lostResponse` does the same after the call was applied (a gateway timing out on a portal that did the work).
   */
  errorRates?: { 503?: number; 429?: number; 500?: number; timeout?: number; lostResponse?: number };
  /** Seconds until `operating_reset_at` in injected 429s; default 60. */
  operatingResetInSeconds?: number;
  hangMs?: number;
  /** Restrict request faults to these methods (lower-case); default all. */
  methods?: string[];
  events?: EventFaults;
}

export interface WebhookCredential {
  userId: number;
  secret: string;
}

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  applicationToken: string;
}

export interface OutgoingWebhook {
  handlerUrl: string;
  events: string[];
  applicationToken: string;
}

export interface SeedStage {
  /** Bare code (`NEW`, `WON`); the `C{n}:` prefix is added for pipelines other than 0. */
  STATUS_ID: string;
  NAME: string;
  SORT?: number;
  SEMANTICS?: 'S' | 'F' | null;
  COLOR?: string;
}

export interface SeedCategory {
  id: number;
  name: string;
  sort?: number;
  stages: SeedStage[];
}

export interface SeedProduct {
  ID: number;
  NAME: string;
  PRICE: string | number;
  CURRENCY_ID?: string;
}

export type WireFields = Record<string, unknown>;

export interface SeedDeal extends WireFields {
  ID?: number;
  CONTACT_IDS?: number[];
  PRODUCT_ROWS?: WireFields[];
}

/** A fixture: field names and values exactly as `crm.*.add` takes them (plus explicit IDs). */
export interface SandboxSeed {
  categories?: SeedCategory[];
  products?: SeedProduct[];
  userFields?: { contact?: WireFields[]; deal?: WireFields[] };
  contacts?: (WireFields & { ID?: number })[];
  deals?: SeedDeal[];
}

export interface SandboxOptions {
  port?: number;
  portal?: PortalIdentity;
  webhooks?: WebhookCredential[];
  oauthApps?: OAuthApp[];
  limits?: false | LimitOptions;
  outgoingWebhooks?: OutgoingWebhook[];
  faults?: FaultConfig;
  seed?: SandboxSeed | string;
  snapshotFile?: string;
  clock?: () => number;
  /** HTTP status for a wrong webhook secret: the core answers 401, the docs' table says 403. Default 401. */
  invalidCredentialsStatus?: 401 | 403;
}

export interface SandboxStats {
  httpRequests: number;
  rejected503: number;
  rejected429: number;
  byMethod: Record<string, number>;
  /** REST commands asked for: one per plain call plus one per command inside a `batch`. */
  restCommands: number;
  eventsDelivered: number;
  eventsFailed: number;
  eventsDropped: number;
}
