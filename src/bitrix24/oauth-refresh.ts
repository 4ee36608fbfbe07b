import { isRecord, parseErrorBody } from './envelope';
import { AuthError } from './errors';
import { classifyError, fromTransportFailure } from './error-classification';
import { type OAuthTokens } from './token-store';
import { type Transport, TransportFailure } from './transport';
import { redactText } from './redact';

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
}

const DEFAULT_SERVER_ENDPOINT = 'https://oauth.bitrix.info/rest/';
const REFRESH_METHOD = 'oauth/token (refresh)';

/** `https://oauth.bitrix.info/rest/` → `https://oauth.bitrix.info/oauth/token/`. */
export function tokenUrlFor(serverEndpoint: string | undefined): string {
  const base = new URL(serverEndpoint ?? DEFAULT_SERVER_ENDPOINT);
  return new URL('/oauth/token/', base.origin).toString();
}

function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function expiresAtMs(body: Record<string, unknown>, now: number): number {
  const expires = Number(body.expires);
  if (Number.isFinite(expires) && expires > 0) return expires * 1000;
  const expiresIn = Number(body.expires_in);
  return now + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000;
}

export interface RefreshOptions {
  /**
   * Refuse an answer that does not name the portal. An install must: its tokens come from an unauthenticated request,
   * and only the OAuth server saying whose they are ties them to the member_id the request claims.
   */
  requireMemberId?: boolean;
}

/** Exchanges the refresh token for a new token pair (form POST, as the official SDK does). */
export async function refreshOAuthTokens(
  transport: Transport,
  tokenUrl: string,
  app: OAuthApp,
  tokens: OAuthTokens,
  options: RefreshOptions = {},
): Promise<OAuthTokens> {
  const secrets = [app.clientSecret, tokens.refreshToken, tokens.accessToken];
  let response;
  try {
    response = await transport.postForm(tokenUrl, {
      grant_type: 'refresh_token',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      refresh_token: tokens.refreshToken,
    });
  } catch (error) {
    if (error instanceof TransportFailure) throw fromTransportFailure(REFRESH_METHOD, error.failure, error.detail);
    throw error;
  }
  const body = response.body;
  const accessToken = isRecord(body) ? stringField(body, 'access_token') : undefined;
  const refreshToken = isRecord(body) ? stringField(body, 'refresh_token') : undefined;
  if (response.status !== 200 || !isRecord(body) || accessToken === undefined || refreshToken === undefined) {
    const error = parseErrorBody(body);
    throw classifyError({
      method: REFRESH_METHOD,
      code: error?.code ?? '',
      description: redactText(error?.description || 'token endpoint returned no token pair', secrets),
      httpStatus: response.status === 200 ? 401 : response.status,
    });
  }
  const answeredFor = stringField(body, 'member_id');
  if (answeredFor === undefined && options.requireMemberId === true) {
    throw new AuthError({ method: REFRESH_METHOD, code: 'NO_MEMBER_ID', description: `the token endpoint did not say which portal the tokens belong to (member_id ${tokens.memberId} expected)` });
  }
  if (answeredFor !== undefined && answeredFor !== tokens.memberId) {
    // A token of another portal must never be stored under this one's member_id.
    throw new AuthError({ method: REFRESH_METHOD, code: 'WRONG_PORTAL', description: `the refreshed tokens belong to another portal, not member_id ${tokens.memberId}` });
  }
  const refreshed: OAuthTokens = {
    memberId: tokens.memberId,
    accessToken,
    refreshToken,
    expiresAt: expiresAtMs(body, Date.now()),
    clientEndpoint: stringField(body, 'client_endpoint') ?? tokens.clientEndpoint,
  };
  const serverEndpoint = stringField(body, 'server_endpoint') ?? tokens.serverEndpoint;
  const scope = stringField(body, 'scope') ?? tokens.scope;
  if (serverEndpoint !== undefined) refreshed.serverEndpoint = serverEndpoint;
  if (scope !== undefined) refreshed.scope = scope;
  if (tokens.applicationToken !== undefined) refreshed.applicationToken = tokens.applicationToken;
  return refreshed;
}
