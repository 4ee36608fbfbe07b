import { type AppInstallations, type InstallationGrant } from '../bitrix24/app-installation';
import { Bitrix24Error } from '../bitrix24/errors';
import { redactText } from '../bitrix24/redact';
import { type EventAnswer } from './event-route';
import { readInstallationGrant } from './payload';
import { type AuthenticatedPortal, type PortalRegistry } from './portal-registry';

export const INSTALL_EVENT = 'ONAPPINSTALL';
export const UNINSTALL_EVENT = 'ONAPPUNINSTALL';

export interface InstallRouteDeps {
  registry: PortalRegistry;
  /** The OAuth application's installations; null: the bridge accepts no installs. */
  installations: AppInstallations | null;
}

/**
 * ONAPPINSTALL: the one request that cannot be checked against a known application token, because it brings it.
 * It is accepted for a configured portal awaiting installation once Bitrix24's OAuth server confirms its tokens
 * (`AppInstallations.accept`) — the only bridge request that calls out before answering, and it happens once per install.
 */
export async function handleInstall(deps: InstallRouteDeps, body: unknown): Promise<EventAnswer> {
  const event = INSTALL_EVENT;
  const message = 'auth[member_id]: no portal configured here installs this application';
  const refused: EventAnswer = { status: 401, body: { error: 'unauthorized', message }, log: { outcome: 'unauthorized', event } };
  const { installations } = deps;
  if (installations === null) return refused;
  const grant = readInstallationGrant(body);
  if (!grant.ok) return { status: 400, body: { error: 'malformed', message: grant.problem }, log: { outcome: 'malformed', event } };
  const portal = deps.registry.installable(grant.value.memberId);
  if (portal === null) return refused;
  const log = { event, portal: portal.key };
  try {
    await installations.accept(grant.value);
  } catch (error) {
    if (error instanceof Bitrix24Error && !error.retryable) {
      const message = 'the install was not recorded: Bitrix24 did not confirm its tokens for this application and portal';
      return { status: 401, body: { error: 'unauthorized', message }, log: { outcome: 'unauthorized', ...log, error: error.message } };
    }
    if (error instanceof Bitrix24Error) {
      const message = 'the install was not recorded: the Bitrix24 OAuth server did not answer; reinstall the application';
      return { status: 503, body: { error: 'oauth_unavailable', message }, log: { outcome: 'oauth_unavailable', ...log, error: error.message } };
    }
    // Confirmed, but not stored (token file, its lock, the disk): the bridge's own failure, not the OAuth server's.
    const message = 'the install was not recorded: the bridge could not store it; reinstall the application';
    return { status: 500, body: { error: 'internal', message }, log: { outcome: 'internal', ...log, error: describeUnexpected(error, grant.value) } };
  }
  return { status: 200, body: { status: 'installed' }, log: { outcome: 'accepted', ...log } };
}

/** ONAPPUNINSTALL, already authenticated by the stored application token (it carries no OAuth tokens). */
export async function handleUninstall(deps: InstallRouteDeps, portal: AuthenticatedPortal): Promise<EventAnswer> {
  const log = { event: UNINSTALL_EVENT, portal: portal.key };
  if (deps.installations === null || deps.registry.installable(portal.memberId) === null) {
    // A portal with a configured token (outgoing webhook) has no installation to forget.
    return { status: 202, body: { status: 'ignored', event: UNINSTALL_EVENT }, log: { outcome: 'unknown_event', ...log } };
  }
  await deps.installations.forget(portal.memberId);
  return { status: 200, body: { status: 'uninstalled' }, log: { outcome: 'accepted', ...log } };
}

/** For the log line: the failure's own words, with the request's tokens masked should a message ever quote them. */
function describeUnexpected(error: unknown, grant: InstallationGrant): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return redactText(text, [grant.accessToken, grant.refreshToken, grant.applicationToken]);
}
