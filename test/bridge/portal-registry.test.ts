import { describe, expect, it } from 'vitest';
import { InMemoryTokenStore } from '../../src/bitrix24';
import { PortalRegistry } from '../../src/bridge/portal-registry';

const portals = [
  { key: 'acme', memberId: 'member-acme', applicationToken: 'token-of-acme-portal' },
  { key: 'globex', memberId: 'member-globex', applicationToken: 'token-of-globex' },
];

describe('PortalRegistry', () => {
  const registry = new PortalRegistry(portals);

  it('authenticates a portal by member id and its own token', async () => {
    expect(await registry.authenticate('member-acme', 'token-of-acme-portal')).toEqual({ key: 'acme', memberId: 'member-acme' });
    expect(await registry.authenticate('member-globex', 'token-of-globex')).toEqual({ key: 'globex', memberId: 'member-globex' });
  });

  it.each([
    ['another portal token', 'member-acme', 'token-of-globex'],
    ['a prefix of the token', 'member-acme', 'token-of-acme'],
    ['the token with a suffix', 'member-acme', 'token-of-acme-portalX'],
    ['an empty token', 'member-acme', ''],
    ['a case variant', 'member-acme', 'TOKEN-OF-ACME-PORTAL'],
    ['an unknown member id', 'member-unknown', 'token-of-acme-portal'],
  ])('rejects %s', async (_label, memberId, token) => {
    expect(await registry.authenticate(memberId, token)).toBeNull();
  });

  it('accepts the portal domain as its key', async () => {
    const byDomain = new PortalRegistry([{ key: 'acme.bitrix24.ru', memberId: 'member-acme', applicationToken: 'token-of-acme-portal' }]);
    expect(await byDomain.authenticate('member-acme', 'token-of-acme-portal')).toEqual({ key: 'acme.bitrix24.ru', memberId: 'member-acme' });
  });

  it('refuses configurations that would make ids ambiguous, naming the entry', () => {
    expect(() => new PortalRegistry([...portals, { key: 'acme', memberId: 'm3', applicationToken: 't' }])).toThrow('portals[2].key: "acme" is configured twice');
    expect(() => new PortalRegistry([...portals, { key: 'other', memberId: 'member-acme', applicationToken: 't' }])).toThrow('portals[2].memberId: this member id is configured twice');
    expect(() => new PortalRegistry([{ key: 'Acme Co', memberId: 'm', applicationToken: 't' }])).toThrow('portals[0].key: "Acme Co" must be letters, digits');
    expect(() => new PortalRegistry([{ key: 'acme/shop', memberId: 'm', applicationToken: 't' }])).toThrow('portals[0].key: "acme/shop" must be letters, digits');
    expect(() => new PortalRegistry([{ key: 'acme', memberId: 'm', applicationToken: '' }])).toThrow('portals[0].applicationToken: must not be empty');
  });

  it('checks an installed application against the token its install stored, and nothing before the install', async () => {
    const installations = new InMemoryTokenStore();
    const installed = new PortalRegistry([...portals, { key: 'initech', memberId: 'member-initech' }], installations);
    expect(installed.installable('member-initech')).toEqual({ key: 'initech', memberId: 'member-initech' });
    expect(installed.installable('member-acme')).toBeNull();
    expect(await installed.authenticate('member-initech', '')).toBeNull();
    expect(await installed.authenticate('member-initech', 'guess')).toBeNull();

    const tokens = { memberId: 'member-initech', accessToken: 'a', refreshToken: 'r', expiresAt: 0, clientEndpoint: 'https://initech.bitrix24.ru/rest/' };
    await installations.save({ ...tokens, applicationToken: 'token-of-initech' });
    expect(await installed.authenticate('member-initech', 'token-of-initech')).toEqual({ key: 'initech', memberId: 'member-initech' });
    expect(await installed.authenticate('member-initech', 'token-of-acme-portal')).toBeNull();
    await installations.remove('member-initech');
    expect(await installed.authenticate('member-initech', 'token-of-initech')).toBeNull();
  });

  it('refuses a portal without a token when no application can install it', () => {
    expect(() => new PortalRegistry([{ key: 'initech', memberId: 'member-initech' }])).toThrow(
      'portals[0].applicationToken: is required unless the OAuth application is configured',
    );
  });
});
