import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBridgeEnv, readBridgePortals } from '../../src/bridge/config';

const acme = { key: 'acme', memberId: 'member-acme', applicationToken: 'secret-token-acme' };

describe('readBridgePortals', () => {
  it('reads portals from LOYALTY_PORTALS JSON', () => {
    expect(readBridgePortals({ LOYALTY_PORTALS: JSON.stringify([acme]) })).toEqual([acme]);
  });

  it('reads portals from the file named by LOYALTY_PORTALS_FILE', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-portals-')), 'portals.json');
    fs.writeFileSync(file, JSON.stringify([acme]));
    expect(readBridgePortals({ LOYALTY_PORTALS_FILE: file })).toEqual([acme]);
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  it('takes a portal domain as the key, as LOYALTY_PORTAL does, and refuses a key that would split workflow ids', () => {
    const dotted = { ...acme, key: 'acme.bitrix24.ru' };
    expect(readBridgePortals({ LOYALTY_PORTALS: JSON.stringify([dotted]) })).toEqual([dotted]);
    expect(() => readBridgePortals({ LOYALTY_PORTALS: JSON.stringify([{ ...acme, key: 'acme/shop' }]) })).toThrow(
      'LOYALTY_PORTALS[0].key: must be letters, digits, ".", "_" or "-", such as example.bitrix24.ru',
    );
  });

  it('names the variable and entry of a problem without echoing the token', () => {
    const attempt = () => readBridgePortals({ LOYALTY_PORTALS: JSON.stringify([{ ...acme, applicationToken: 'short' }]) });
    expect(attempt).toThrow('LOYALTY_PORTALS[0].applicationToken: must be at least 8 characters');
    expect(attempt).not.toThrow(/short/);
    expect(() => readBridgePortals({ LOYALTY_PORTALS: '[{' })).toThrow('LOYALTY_PORTALS: is not valid JSON');
    expect(() => readBridgePortals({})).toThrow('LOYALTY_PORTALS (JSON) or LOYALTY_PORTALS_FILE is required');
    expect(() => readBridgePortals({ LOYALTY_PORTALS: '[]' })).toThrow('LOYALTY_PORTALS: must list at least one portal');
  });
});

describe('readBridgeEnv', () => {
  const portals = JSON.stringify([acme]);

  it('falls back to the local defaults', () => {
    expect(readBridgeEnv({ LOYALTY_PORTALS: portals })).toEqual({ port: 8080, portals: [acme] });
  });

  it('reads the port and the portals only: Temporal is the engine configuration\'s (TLS, API key, namespace)', () => {
    const env = { LOYALTY_PORTALS: portals, LOYALTY_BRIDGE_PORT: '9090', TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'loyalty' };
    expect(readBridgeEnv(env)).toEqual({ port: 9090, portals: [acme] });
  });

  it('names a bad port', () => {
    expect(() => readBridgeEnv({ LOYALTY_PORTALS: portals, LOYALTY_BRIDGE_PORT: '80a' })).toThrow('LOYALTY_BRIDGE_PORT: must be a port number from 0 to 65535, got "80a"');
    expect(() => readBridgeEnv({ LOYALTY_PORTALS: portals, LOYALTY_BRIDGE_PORT: '70000' })).toThrow('LOYALTY_BRIDGE_PORT: must be a port number');
  });
});
