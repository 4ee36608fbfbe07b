import { type Bitrix24Client, createOAuthClient, createWebhookClient, JsonFileTokenStore } from '../bitrix24';
import type { BitrixAccess } from '../config/env';

/** The Bitrix24 client for the configured access: an incoming webhook, or an installed OAuth application. */
export function portalClient(access: BitrixAccess | null, options: { tokenUrl?: string } = {}): Bitrix24Client {
  // Commands that talk to the portal load the environment with `portalAccess` required, so this means a wiring bug.
  if (access === null) throw new Error('no portal access configured');
  if (access.mode === 'webhook') return createWebhookClient({ webhookUrl: access.webhookUrl });
  return createOAuthClient({
    memberId: access.memberId,
    app: { clientId: access.clientId, clientSecret: access.clientSecret },
    tokenStore: new JsonFileTokenStore(access.tokenFile),
    ...(options.tokenUrl === undefined ? {} : { tokenUrl: options.tokenUrl }),
  });
}
