import { type Bitrix24Client, createOAuthClient, createWebhookClient, JsonFileTokenStore, LeakyBucket, type LeakyBucketLimits } from '../bitrix24';
import { type InstallationOptions } from '../bitrix24/app-installation';
import type { BitrixAccess } from '../config/env';

/**
 * The Bitrix24 client for the configured access: an incoming webhook, or an installed OAuth application. `limits` are
 * the portal plan's request budget (`readPortalRate`); without them the client paces itself by the standard plan.
 */
export function portalClient(access: BitrixAccess | null, options: { tokenUrl?: string; limits?: LeakyBucketLimits } = {}): Bitrix24Client {
  // Commands that talk to the portal load the environment with `portalAccess` required, so this means a wiring bug.
  if (access === null) throw new Error('no portal access configured');
  const pacing = options.limits === undefined ? {} : { rateLimiter: new LeakyBucket(options.limits) };
  if (access.mode === 'webhook') return createWebhookClient({ webhookUrl: access.webhookUrl, ...pacing });
  return createOAuthClient({
    ...pacing,
    memberId: access.memberId,
    app: { clientId: access.clientId, clientSecret: access.clientSecret },
    tokenStore: new JsonFileTokenStore(access.tokenFile),
    ...(options.tokenUrl === undefined ? {} : { tokenUrl: options.tokenUrl }),
  });
}

/**
 * The bridge's side of the OAuth application: where installs (ONAPPINSTALL) are verified and recorded — the same
 * token file the worker reads. Nothing for a webhook, which is never installed.
 */
export function installationsOf(access: BitrixAccess | null, tokenUrl?: string): { installations?: InstallationOptions } {
  if (access?.mode !== 'oauth') return {};
  const installations: InstallationOptions = { app: { clientId: access.clientId, clientSecret: access.clientSecret }, tokenStore: new JsonFileTokenStore(access.tokenFile) };
  return { installations: tokenUrl === undefined ? installations : { ...installations, tokenUrl } };
}
