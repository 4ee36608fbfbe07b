import { randomBytes } from 'node:crypto';
import { RestError } from './envelope';
import { type OAuthTokenRecord, type PortalState } from './state/store';
import { type OAuthApp } from './types';

export const ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 180 * 24 * 3600;
export const APP_SCOPE = 'crm,im,event,placement,user_brief';

export interface IssuedToken {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  memberId: string;
}

export interface PortalEndpoints {
  domain: string;
  memberId: string;
  clientEndpoint: string;
  serverEndpoint: string;
}

/** The `auth[...]` keys that travel with a user's access token, between its expiry and whose it is. */
export function tokenSessionPairs(endpoints: PortalEndpoints): [string, string][] {
  return [
    ['auth[expires_in]', String(ACCESS_TOKEN_SECONDS)],
    ['auth[scope]', APP_SCOPE],
    ['auth[domain]', endpoints.domain],
    ['auth[server_endpoint]', endpoints.serverEndpoint],
    ['auth[status]', 'L'],
    ['auth[client_endpoint]', endpoints.clientEndpoint],
    ['auth[member_id]', endpoints.memberId],
  ];
}

/** OAuth tokens of the installed apps: 1 h access tokens, 180 d refresh tokens rotated on every use. */
export class TokenAuthority {
  constructor(
    private readonly state: () => PortalState,
    private readonly apps: OAuthApp[],
    private readonly now: () => number,
    private readonly endpoints: () => PortalEndpoints,
  ) {}

  app(clientId: string): OAuthApp {
    const app = this.apps.find((a) => a.clientId === clientId);
    if (!app) throw new Error(`Unknown OAuth app "${clientId}": configure it in SandboxOptions.oauthApps`);
    return app;
  }

  issue(clientId: string, userId: number, expiresInSeconds = ACCESS_TOKEN_SECONDS): IssuedToken {
    this.app(clientId);
    const accessToken = randomBytes(24).toString('hex');
    const refreshToken = randomBytes(24).toString('hex');
    const expiresAtMs = this.now() + expiresInSeconds * 1000;
    this.state().accessTokens[accessToken] = { clientId, userId, expiresAtMs };
    this.state().refreshTokens[refreshToken] = { clientId, userId, expiresAtMs: this.now() + REFRESH_TOKEN_SECONDS * 1000 };
    return { accessToken, refreshToken, expiresAt: Math.floor(expiresAtMs / 1000), memberId: this.endpoints().memberId };
  }

  /** Resolves an `auth` parameter or answers 401 like the portal. */
  verify(accessToken: string): OAuthTokenRecord {
    const record = this.state().accessTokens[accessToken];
    if (!record) throw new RestError(401, 'invalid_token', 'The access token provided is invalid.');
    if (record.expiresAtMs <= this.now()) throw new RestError(401, 'expired_token', 'The access token provided has expired.');
    return record;
  }

  /** `grant_type=refresh_token`: the used refresh token dies, a new pair is issued. */
  refresh(params: Record<string, unknown>): Record<string, unknown> {
    if (params.grant_type !== 'refresh_token') throw new RestError(400, 'invalid_request', `grant_type "${String(params.grant_type)}" is not supported`);
    const app = this.apps.find((a) => a.clientId === params.client_id);
    if (!app || app.clientSecret !== params.client_secret) throw new RestError(401, 'invalid_client', 'Invalid client credentials');
    const refreshToken = String(params.refresh_token ?? '');
    const record = this.state().refreshTokens[refreshToken];
    if (!record || record.clientId !== app.clientId || record.expiresAtMs <= this.now())
      throw new RestError(400, 'invalid_grant', 'Invalid or expired refresh token');
    delete this.state().refreshTokens[refreshToken];
    const issued = this.issue(app.clientId, record.userId);
    return this.tokenResponse(issued, record.userId);
  }

  tokenResponse(issued: IssuedToken, userId: number): Record<string, unknown> {
    const endpoints = this.endpoints();
    return {
      access_token: issued.accessToken,
      expires: issued.expiresAt,
      expires_in: ACCESS_TOKEN_SECONDS,
      scope: APP_SCOPE,
      domain: new URL(endpoints.serverEndpoint).host,
      server_endpoint: endpoints.serverEndpoint,
      status: 'L',
      client_endpoint: endpoints.clientEndpoint,
      member_id: endpoints.memberId,
      user_id: userId,
      refresh_token: issued.refreshToken,
    };
  }
}
