import { describe, expect, it } from 'vitest';
import { PortalRegistry } from '../../src/bridge/portal-registry';

const portals = [
  { key: 'acme', memberId: 'member-acme', applicationToken: 'token-of-acme-portal' },
  { key: 'globex', memberId: 'member-globex', applicationToken: 'token-of-globex' },
];

describe('PortalRegistry', () => {
  const registry = new PortalRegistry(portals);

  it('authenticates a portal by member id and its own token', () => {
    expect(registry.authenticate('member-acme', 'token-of-acme-portal')).toEqual({ key: 'acme', memberId: 'member-acme' });
    expect(registry.authenticate('member-globex', 'token-of-globex')).toEqual({ key: 'globex', memberId: 'member-globex' });
  });

  it.each([
    ['another portal token', 'member-acme', 'token-of-globex'],
    ['a prefix of the token', 'member-acme', 'token-of-acme'],
    ['the token with a suffix', 'member-acme', 'token-of-acme-portalX'],
    ['an empty token', 'member-acme', ''],
    ['a case variant', 'member-acme', 'TOKEN-OF-ACME-PORTAL'],
    ['an unknown member id', 'member-unknown', 'token-of-acme-portal'],
  ])('rejects %s', (_label, memberId, token) => {
    expect(registry.authenticate(memberId, token)).toBeNull();
  });

  it('accepts the portal domain as its key', () => {
    const byDomain = new PortalRegistry([{ key: 'acme.bitrix24.ru', memberId: 'member-acme', applicationToken: 'token-of-acme-portal' }]);
    expect(byDomain.authenticate('member-acme', 'token-of-acme-portal')).toEqual({ key: 'acme.bitrix24.ru', memberId: 'member-acme' });
  });

  it('refuses configurations that would make ids ambiguous, naming the entry', () => {
    expect(() => new PortalRegistry([...portals, { key: 'acme', memberId: 'm3', applicationToken: 't' }])).toThrow('portals[2].key: "acme" is configured twice');
    expect(() => new PortalRegistry([...portals, { key: 'other', memberId: 'member-acme', applicationToken: 't' }])).toThrow('portals[2].memberId: this member id is configured twice');
    expect(() => new PortalRegistry([{ key: 'Acme Co', memberId: 'm', applicationToken: 't' }])).toThrow('portals[0].key: "Acme Co" must be letters, digits');
    expect(() => new PortalRegistry([{ key: 'acme/shop', memberId: 'm', applicationToken: 't' }])).toThrow('portals[0].key: "acme/shop" must be letters, digits');
    expect(() => new PortalRegistry([{ key: 'acme', memberId: 'm', applicationToken: '' }])).toThrow('portals[0].applicationToken: must not be empty');
  });
});
