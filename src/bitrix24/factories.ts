import { OAuthAuth, WebhookAuth } from './auth';
import { Bitrix24Client, type Bitrix24ClientOptions } from './client';
import { type OAuthApp } from './oauth-refresh';
import { LeakyBucket, type LeakyBucketLimits } from './rate-limiter';
import { type TokenStore } from './token-store';
import { AxiosTransport } from './transport';

export interface WebhookClientOptions extends Omit<Bitrix24ClientOptions, 'auth'> {
  /** `https://{portal}/rest/{userId}/{secret}/` (http accepted for a local sandbox). */
  webhookUrl: string;
}

/** Client for an incoming webhook. */
export function createWebhookClient(options: WebhookClientOptions): Bitrix24Client {
  const { webhookUrl, ...rest } = options;
  return new Bitrix24Client({ ...rest, auth: new WebhookAuth(webhookUrl) });
}

export interface OAuthClientOptions extends Omit<Bitrix24ClientOptions, 'auth'> {
  /** The tenant: the portal's stable `member_id`. */
  memberId: string;
  app: OAuthApp;
  tokenStore: TokenStore;
  /** Token endpoint override, e.g. the sandbox's `oauthEndpoint`; default derives from `server_endpoint`. */
  tokenUrl?: string;
}

/** Client for an OAuth application installed on one portal. */
export function createOAuthClient(options: OAuthClientOptions): Bitrix24Client {
  const { memberId, app, tokenStore, tokenUrl, ...rest } = options;
  const transport = rest.transport ?? new AxiosTransport();
  const auth = new OAuthAuth({ memberId, app, tokenStore, transport, ...(tokenUrl === undefined ? {} : { tokenUrl }) });
  return new Bitrix24Client({ ...rest, transport, auth });
}

/**
 * One OAuth client per tenant (`member_id`), created on first use, each with its own rate-limit bucket
 * because the portal's bucket is per portal.
 */
export interface OAuthTenantOptions extends Omit<OAuthClientOptions, 'memberId' | 'rateLimiter'> {
  /** The portals' plan limits (default cloud 50/2). */
  limits?: LeakyBucketLimits;
}

export class OAuthTenantClients {
  private readonly clients = new Map<string, Bitrix24Client>();

  constructor(private readonly shared: OAuthTenantOptions) {}

  clientFor(memberId: string): Bitrix24Client {
    let client = this.clients.get(memberId);
    if (client === undefined) {
      const { limits, ...options } = this.shared;
      client = createOAuthClient({ ...options, memberId, rateLimiter: new LeakyBucket(limits, options.clock) });
      this.clients.set(memberId, client);
    }
    return client;
  }
}
