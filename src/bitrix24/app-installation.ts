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

/**
 * Records an installation only once Bitrix24's OAuth server — at the configured address, not the request's
 * `server_endpoint` — has exchanged the request's refresh token for this application's client id and secret and
 * named the same member_id: without a refresh token Bitrix24 issued to this application on that portal, a forged
 * install gets nowhere. The exchanged pair and the application token are saved together, under the store's lock.
 */
export async function acceptInstallation(options: InstallationOptions, grant: InstallationGrant): Promise<OAuthTokens> {
  const { applicationToken, ...received } = grant;
  // Exchanged at once, so the request's expiry (Bitrix24's docs do not promise `auth[expires]` here) never matters.
  const tokens = { ...received, expiresAt: 0 };
  const tokenUrl = options.tokenUrl ?? tokenUrlFor(undefined);
  const store = options.tokenStore;
  return store.exclusively(async () => {
    const fresh = await refreshOAuthTokens(options.transport ?? new AxiosTransport(), tokenUrl, options.app, tokens);
    const installed = { ...fresh, applicationToken };
    await store.save(installed);
    return installed;
  });
}

/** The application was removed from the portal: its tokens are dead, and later events must not be accepted. */
export async function forgetInstallation(tokenStore: TokenStore, memberId: string): Promise<void> {
  await tokenStore.exclusively(() => tokenStore.remove(memberId));
}
