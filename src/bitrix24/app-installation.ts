import { refreshOAuthTokens, tokenUrlFor, type OAuthApp } from './oauth-refresh';
import { type OAuthTokens, type TokenStore } from './token-store';
import { AxiosTransport, type Transport } from './transport';

/** What ONAPPINSTALL brings: the installing administrator's tokens and the installation's application token. */
export interface InstallationGrant {
  memberId: string;
  accessToken: string;
  refreshToken: string;
  applicationToken: string;
  /** The portal's REST base as the request says; replaced by the OAuth server's answer. */
  clientEndpoint: string;
}

export interface InstallationOptions {
  app: OAuthApp;
  tokenStore: TokenStore;
  transport?: Transport;
  /** The OAuth server's token endpoint (default Bitrix24's); a sandbox sets its own. Never taken from the request. */
  tokenUrl?: string;
}

interface Exchange {
  grant: InstallationGrant;
  installed: Promise<OAuthTokens>;
}

/**
 * The OAuth application's installations: recorded on ONAPPINSTALL, forgotten on ONAPPUNINSTALL.
 *
 * An install is recorded only once Bitrix24's OAuth server — at the configured address, not the request's
 * `server_endpoint` — has exchanged the request's refresh token for this application's client id and secret and
 * named the same member_id: without a refresh token Bitrix24 issued to this application on that portal, a forged
 * install gets nowhere. The exchange runs outside the token store's lock, which the worker needs for its own
 * refreshes; the lock is held only to save. Anyone can send installs, so a portal's installs are exchanged one at a
 * time: a request identical to the one in flight shares its outcome, any other waits for its own turn (sharing the
 * outcome of a different request would let a forged install in flight fail a genuine one).
 */
export class AppInstallations {
  readonly tokenStore: TokenStore;
  private readonly app: OAuthApp;
  private readonly transport: Transport;
  private readonly tokenUrl: string;
  private readonly exchanges = new Map<string, Exchange>();

  constructor(options: InstallationOptions) {
    this.tokenStore = options.tokenStore;
    this.app = options.app;
    this.transport = options.transport ?? new AxiosTransport();
    this.tokenUrl = options.tokenUrl ?? tokenUrlFor(undefined);
  }

  async accept(grant: InstallationGrant): Promise<OAuthTokens> {
    let running = this.exchanges.get(grant.memberId);
    while (running !== undefined && !sameGrant(running.grant, grant)) {
      await running.installed.catch(() => undefined);
      running = this.exchanges.get(grant.memberId);
    }
    return running?.installed ?? this.start(grant);
  }

  /** The application was removed from the portal: its tokens are dead, and later events must not be accepted. */
  async forget(memberId: string): Promise<void> {
    await this.tokenStore.exclusively(() => this.tokenStore.remove(memberId));
  }

  private start(grant: InstallationGrant): Promise<OAuthTokens> {
    const installed = this.exchangeAndSave(grant).finally(() => this.exchanges.delete(grant.memberId));
    this.exchanges.set(grant.memberId, { grant, installed });
    return installed;
  }

  private async exchangeAndSave(grant: InstallationGrant): Promise<OAuthTokens> {
    // Exchanged at once, so the request's expiry (Bitrix24's docs do not promise `auth[expires]` here) never matters;
    // the refresh keeps the application token the install brought.
    const installed = await refreshOAuthTokens(this.transport, this.tokenUrl, this.app, { ...grant, expiresAt: 0 }, { requireMemberId: true });
    const store = this.tokenStore;
    await store.exclusively(() => store.save(installed));
    return installed;
  }
}

function sameGrant(a: InstallationGrant, b: InstallationGrant): boolean {
  return a.refreshToken === b.refreshToken && a.applicationToken === b.applicationToken && a.accessToken === b.accessToken && a.clientEndpoint === b.clientEndpoint;
}
