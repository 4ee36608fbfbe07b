import { createHash, timingSafeEqual } from 'node:crypto';
import { PORTAL_KEY_PATTERN, PORTAL_KEY_RULE } from '../config/portal-key';

/** One Bitrix24 portal the bridge accepts events from. `key` names it in workflow ids (see src/config/portal-key.ts). */
export interface PortalConfig {
  key: string;
  memberId: string;
  applicationToken: string;
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
  private readonly byMemberId = new Map<string, { key: string; tokenDigest: Buffer }>();

  constructor(portals: readonly PortalConfig[]) {
    const keys = new Set<string>();
    portals.forEach((portal, index) => {
      const where = `portals[${index}]`;
      if (!PORTAL_KEY_PATTERN.test(portal.key)) throw new Error(`${where}.key: "${portal.key}" ${PORTAL_KEY_RULE}`);
      if (portal.memberId.length === 0) throw new Error(`${where}.memberId: must not be empty`);
      if (portal.applicationToken.length === 0) throw new Error(`${where}.applicationToken: must not be empty`);
      if (keys.has(portal.key)) throw new Error(`${where}.key: "${portal.key}" is configured twice`);
      if (this.byMemberId.has(portal.memberId)) throw new Error(`${where}.memberId: this member id is configured twice`);
      keys.add(portal.key);
      this.byMemberId.set(portal.memberId, { key: portal.key, tokenDigest: digest(portal.applicationToken) });
    });
  }

  get size(): number {
    return this.byMemberId.size;
  }

  /** The portal whose member id and application token both match, or null. */
  authenticate(memberId: string, applicationToken: string): AuthenticatedPortal | null {
    const portal = this.byMemberId.get(memberId);
    if (portal === undefined) return null;
    return timingSafeEqual(portal.tokenDigest, digest(applicationToken)) ? { key: portal.key, memberId } : null;
  }
}
