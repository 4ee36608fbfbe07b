import { AuthError } from './errors';
import { type OAuthTokens, type TokenStore } from './token-store';
import { refreshOAuthTokens, tokenUrlFor, type OAuthApp } from './oauth-refresh';
import { type Transport } from './transport';
import { parseWebhookUrl, webhookBaseUrl, type WebhookLocation } from './webhook-url';

export interface PreparedAuth {
  /** Full URL of the method call. */
  url: string;
  /** Parameters merged into the JSON body (`auth` for OAuth apps). */
  bodyParams: Record<string, string>;
  /** Opaque identity of the credential used, handed back to `refreshAfterRejection`. */
  credential: string;
}

/** How calls are authenticated: incoming webhook or OAuth application. */
export interface AuthStrategy {
  readonly mode: 'webhook' | 'oauth';
  prepare(method: string): Promise<PreparedAuth>;
  /**
   * The portal rejected `credential` as expired/invalid. Returns true when a call should be replayed
   * with fresh credentials (refreshed now, or by a concurrent call meanwhile).
   */
  refreshAfterRejection(credential: string): Promise<boolean>;
  /** The portal answered a redirect to a new host (portal renamed): use `origin` from now on. */
  moveTo(origin: string): Promise<void>;
  /** Current secret values, for redaction. */
  secrets(): string[];
}

export class WebhookAuth implements AuthStrategy {
  readonly mode = 'webhook';
  private location: WebhookLocation;

  constructor(webhookUrl: string) {
    this.location = parseWebhookUrl(webhookUrl);
  }

  prepare(method: string): Promise<PreparedAuth> {
    return Promise.resolve({
      url: `${webhookBaseUrl(this.location)}${method}`,
      bodyParams: {},
      credential: this.location.secret,
    });
  }

  refreshAfterRejection(): Promise<boolean> {
    return Promise.resolve(false);
  }

  moveTo(origin: string): Promise<void> {
    this.location = { ...this.location, origin };
    return Promise.resolve();
  }

  secrets(): string[] {
    return [this.location.secret];
  }
}

export interface OAuthAuthOptions {
  memberId: string;
  app: OAuthApp;
  tokenStore: TokenStore;
  /** Transport for the token endpoint. */
  transport: Transport;
  /** Token endpoint override (e.g. the sandbox's `oauthEndpoint`); default derives from `serverEndpoint`. */
  tokenUrl?: string;
}

/**
 * OAuth application auth for one tenant (`member_id`). The access token is refreshed only when the
 * portal rejects it, never proactively; concurrent rejections share one refresh, and the rotated
 * refresh token is saved to the store before any call is replayed.
 */
export class OAuthAuth implements AuthStrategy {
  readonly mode = 'oauth';
  private tokens: OAuthTokens | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly options: OAuthAuthOptions) {}

  async prepare(method: string): Promise<PreparedAuth> {
    const tokens = await this.current();
    return { url: `${tokens.clientEndpoint}${method}`, bodyParams: { auth: tokens.accessToken }, credential: tokens.accessToken };
  }

  async refreshAfterRejection(credential: string): Promise<boolean> {
    if ((await this.current()).accessToken !== credential) return true;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
    return true;
  }

  /**
   * Only the endpoint changes, on the record as stored now: this process's copy may be older than a pair another
   * process (worker or bridge) has rotated since, and saving it would put a spent refresh token back. An
   * uninstalled application's record stays removed.
   */
  async moveTo(origin: string): Promise<void> {
    const store = this.options.tokenStore;
    await store.exclusively(async () => {
      const stored = await store.load(this.options.memberId);
      const tokens = stored ?? (await this.current());
      const moved = { ...tokens, clientEndpoint: `${origin}${new URL(tokens.clientEndpoint).pathname}` };
      if (stored !== undefined) await store.save(moved);
      this.tokens = moved;
    });
  }

  secrets(): string[] {
    const tokens = this.tokens;
    const secrets = [this.options.app.clientSecret];
    if (tokens !== undefined) secrets.push(tokens.accessToken, tokens.refreshToken);
    return secrets;
  }

  private async current(): Promise<OAuthTokens> {
    if (this.tokens !== undefined) return this.tokens;
    const stored = await this.options.tokenStore.load(this.options.memberId);
    if (stored === undefined) {
      throw new AuthError({
        method: 'oauth',
        code: 'NO_AUTH_FOUND',
        description: `no OAuth tokens stored for member_id ${this.options.memberId}: install the application first`,
      });
    }
    this.tokens = stored;
    return stored;
  }

  private async refresh(): Promise<void> {
    const stale = await this.current();
    const store = this.options.tokenStore;
    await store.exclusively(async () => {
      const stored = await store.load(this.options.memberId);
      if (stored === undefined) {
        // Uninstalled meanwhile (the bridge removed the record): refreshing would store the tokens again.
        this.tokens = undefined;
        throw new AuthError({
          method: 'oauth',
          code: 'NOT_INSTALLED',
          description: `the application is not installed on this portal (member_id ${this.options.memberId}): its tokens were removed; install it again`,
        });
      }
      // Another process sharing the store may have rotated the tokens already; its refresh token is the valid one.
      if (stored.accessToken !== stale.accessToken) {
        this.tokens = stored;
        return;
      }
      const tokenUrl = this.options.tokenUrl ?? tokenUrlFor(stored.serverEndpoint);
      const fresh = await refreshOAuthTokens(this.options.transport, tokenUrl, this.options.app, stored);
      await store.save(fresh);
      this.tokens = fresh;
    });
  }
}
