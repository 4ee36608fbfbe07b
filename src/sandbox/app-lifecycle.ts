import { type DeliveryRecord, type EventDispatcher } from './events/delivery';
import { type PortalEndpoints, type TokenAuthority, tokenSessionPairs } from './oauth';
import { type PortalState } from './state/store';

const INSTALLING_ADMIN = 1;
const APP_VERSION = '1';

/**
 * An administrator installing or removing a local application ("script only"): the portal posts ONAPPINSTALL with
 * the administrator's token pair and the installation's application token to the installation handler, and
 * ONAPPUNINSTALL with the application token alone; removal revokes the app's tokens and event bindings.
 */
export class ApplicationLifecycle {
  constructor(
    private readonly state: () => PortalState,
    private readonly tokens: TokenAuthority,
    private readonly dispatcher: EventDispatcher,
    private readonly endpoints: () => PortalEndpoints,
    private readonly now: () => number,
  ) {}

  install(clientId: string, handlerUrl: string): Promise<DeliveryRecord> {
    const issued = this.tokens.issue(clientId, INSTALLING_ADMIN);
    const endpoints = this.endpoints();
    return this.dispatcher.postNow(handlerUrl, 'ONAPPINSTALL', [
      ['event', 'ONAPPINSTALL'],
      ['data[VERSION]', APP_VERSION],
      ['data[ACTIVE]', 'Y'],
      ['data[INSTALLED]', 'Y'],
      ['data[LANGUAGE_ID]', 'ru'],
      ['ts', this.timestamp()],
      // The key set of Bitrix24's ONAPPINSTALL documentation (no `expires`, no `user_id`, unlike CRM events).
      ['auth[access_token]', issued.accessToken],
      ...tokenSessionPairs(endpoints),
      ['auth[refresh_token]', issued.refreshToken],
      ['auth[application_token]', this.tokens.app(clientId).applicationToken],
    ]);
  }

  uninstall(clientId: string, handlerUrl: string): Promise<DeliveryRecord> {
    const applicationToken = this.tokens.app(clientId).applicationToken;
    this.revoke(clientId);
    const endpoints = this.endpoints();
    return this.dispatcher.postNow(handlerUrl, 'ONAPPUNINSTALL', [
      ['event', 'ONAPPUNINSTALL'],
      ['data[CLEAN]', '0'],
      ['data[LANGUAGE_ID]', 'ru'],
      ['ts', this.timestamp()],
      ['auth[domain]', endpoints.domain],
      ['auth[server_endpoint]', endpoints.serverEndpoint],
      ['auth[status]', 'L'],
      ['auth[client_endpoint]', endpoints.clientEndpoint],
      ['auth[member_id]', endpoints.memberId],
      ['auth[application_token]', applicationToken],
    ]);
  }

  private revoke(clientId: string): void {
    const state = this.state();
    for (const table of [state.accessTokens, state.refreshTokens]) {
      for (const [token, record] of Object.entries(table)) if (record.clientId === clientId) delete table[token];
    }
    state.bindings = state.bindings.filter((binding) => binding.clientId !== clientId);
  }

  private timestamp(): string {
    return String(Math.floor(this.now() / 1000));
  }
}
