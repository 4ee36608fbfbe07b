import { createHash, timingSafeEqual } from 'node:crypto';
import { type TokenStore } from '../bitrix24/token-store';
import { PORTAL_KEY_PATTERN, PORTAL_KEY_RULE } from '../config/portal-key';

/**
 * One Bitrix24 portal the bridge accepts events from. `key` names it in workflow ids (see src/config/portal-key.ts).
 * Without `applicationToken` the portal runs the engine as an installed application: its token arrives with
 * ONAPPINSTALL and is kept in the installations' token store.
 */
export interface PortalConfig {
  key: string;
  memberId: string;
  applicationToken?: string;
}

export interface AuthenticatedPortal {
  key: string;
  memberId: string;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Decides whether an event really comes from a configured portal. Tokens are kept only as SHA-256 digests and
 * compared digest to digest, so the comparison takes the same time whatever the token's length or content.
 */
export class PortalRegistry {
  private readonly byMemberId = new Map<string, { key: string; tokenDigest: Buffer | null }>();

  /** `installations`: where installed applications keep their tokens; required when a portal has no configured token. */
  constructor(
    portals: readonly PortalConfig[],
    private readonly installations: TokenStore | null = null,
  ) {
    const keys = new Set<string>();
    portals.forEach((portal, index) => {
      const where = `portals[${index}]`;
      if (!PORTAL_KEY_PATTERN.test(portal.key)) throw new Error(`${where}.key: "${portal.key}" ${PORTAL_KEY_RULE}`);
      if (portal.memberId.length === 0) throw new Error(`${where}.memberId: must not be empty`);
      if (portal.applicationToken === '') throw new Error(`${where}.applicationToken: must not be empty`);
      if (portal.applicationToken === undefined && installations === null) {
        throw new Error(`${where}.applicationToken: is required unless the OAuth application is configured (its installs bring the token with ONAPPINSTALL)`);
      }
      if (keys.has(portal.key)) throw new Error(`${where}.key: "${portal.key}" is configured twice`);
      if (this.byMemberId.has(portal.memberId)) throw new Error(`${where}.memberId: this member id is configured twice`);
      keys.add(portal.key);
      this.byMemberId.set(portal.memberId, { key: portal.key, tokenDigest: portal.applicationToken === undefined ? null : digest(portal.applicationToken) });
    });
  }

  get size(): number {
    return this.byMemberId.size;
  }

  /**
   * The portal whose member id and application token both match, or null (also for an application not installed yet).
   * Throws `TokenStoreUnavailableError` when an installed portal's token cannot be read.
   */
  async authenticate(memberId: string, applicationToken: string): Promise<AuthenticatedPortal | null> {
    const portal = this.byMemberId.get(memberId);
    if (portal === undefined) return null;
    const expected = portal.tokenDigest ?? (await this.installedTokenDigest(memberId));
    return expected !== null && timingSafeEqual(expected, digest(applicationToken)) ? { key: portal.key, memberId } : null;
  }

  /** A configured portal whose token comes from installing the application there, or null. */
  installable(memberId: string): AuthenticatedPortal | null {
    const portal = this.byMemberId.get(memberId);
    return portal !== undefined && portal.tokenDigest === null ? { key: portal.key, memberId } : null;
  }

  private async installedTokenDigest(memberId: string): Promise<Buffer | null> {
    // Read on every event rather than cached: the worker and other bridge replicas share the store.
    let token: string | undefined;
    try {
      token = (await this.installations?.load(memberId))?.applicationToken;
    } catch (error) {
      throw new TokenStoreUnavailableError(error);
    }
    return token === undefined ? null : digest(token);
  }
}

/** The installations' token store failed (unreadable file, disk): the event can be neither accepted nor refused. */
export class TokenStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    // The store's messages name the file and the failure, never its content.
    super(`the installations token store could not be read: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TokenStoreUnavailableError';
  }
}
