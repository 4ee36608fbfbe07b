import { describe, expect, it } from 'vitest';
import { offlineEventNotice } from '../../src/intake/offline-notice';
import { portalFilterDateTime } from '../../src/intake/portal-datetime';
import { readIntakeSettings, requireIntakeAccess } from '../../src/intake/settings';

// Intake code the bridge shares with the reconciler, the offline-queue poller and the backfill.
describe('intake settings from the environment', () => {
  it('defaults to webhook intake with a reconciler every 5 minutes looking 10 minutes back', () => {
    expect(readIntakeSettings({})).toEqual({ portal: 'sandbox', mode: 'webhook', reconcileEveryMs: 300_000, reconcileLookBackMs: 600_000, offlinePollMs: 10_000 });
  });

  it('reads the mode, the portal key and durations in words or units', () => {
    const settings = readIntakeSettings({ LOYALTY_PORTAL: 'acme', LOYALTY_INTAKE: 'offline', LOYALTY_RECONCILE_EVERY: '2h', LOYALTY_RECONCILE_LOOK_BACK: '90s', LOYALTY_OFFLINE_POLL_EVERY: '1 minute' });
    expect(settings).toEqual({ portal: 'acme', mode: 'offline', reconcileEveryMs: 7_200_000, reconcileLookBackMs: 90_000, offlinePollMs: 60_000 });
  });

  it('refuses offline intake without the OAuth application: a webhook cannot read the offline-event queue', () => {
    const offline = readIntakeSettings({ LOYALTY_INTAKE: 'offline' });
    expect(requireIntakeAccess(offline, 'oauth')).toBe(offline);
    expect(requireIntakeAccess(readIntakeSettings({}), 'webhook').mode).toBe('webhook');
    expect(() => requireIntakeAccess(offline, 'webhook')).toThrow('LOYALTY_INTAKE: "offline" needs the OAuth application');
  });

  it('names the variable that is wrong', () => {
    expect(() => readIntakeSettings({ LOYALTY_INTAKE: 'email' })).toThrow('LOYALTY_INTAKE: must be "webhook" or "offline", got "email"');
    expect(() => readIntakeSettings({ LOYALTY_RECONCILE_EVERY: 'often' })).toThrow('LOYALTY_RECONCILE_EVERY: "often" is not a duration such as "5 minutes", "90s" or "2h"');
    expect(() => readIntakeSettings({ LOYALTY_OFFLINE_POLL_EVERY: '10ms' })).toThrow('LOYALTY_OFFLINE_POLL_EVERY: must be at least 1 s, got "10ms"');
  });
});

describe('DATE_MODIFY filter values', () => {
  const instant = Date.UTC(2026, 0, 15, 21, 30, 5, 999);

  it('are whole seconds with the explicit offset of the portal zone, never UTC "Z"', () => {
    expect(portalFilterDateTime(instant, 'Europe/Moscow')).toBe('2026-01-16T00:30:05+03:00');
    expect(portalFilterDateTime(instant, 'UTC')).toBe('2026-01-15T21:30:05+00:00');
    expect(portalFilterDateTime(instant, 'America/New_York')).toBe('2026-01-15T16:30:05-05:00');
  });

  it('refuse a zone that is not IANA', () => {
    expect(() => portalFilterDateTime(instant, 'MSK')).toThrow('timeZone: "MSK" is not an IANA time zone such as Europe/Moscow');
  });
});

describe('offline queue records as workflow notices', () => {
  const record = (eventName: string, data: Record<string, unknown>) => ({ id: 7, eventName, timestamp: '2026-01-16T00:30:05+03:00', messageId: 'm', data });

  it('wake the deal or contact workflow with the queue time', () => {
    expect(offlineEventNotice(record('ONCRMDEALUPDATE', { FIELDS: { ID: '42' } }))).toEqual({ kind: 'deal', entityId: 42, event: 'ONCRMDEALUPDATE', ts: 1768512605, source: 'offline' });
    expect(offlineEventNotice(record('ONCRMCONTACTADD', { FIELDS: { ID: '3' } }))).toMatchObject({ kind: 'contact', entityId: 3 });
  });

  it('are skipped (and still cleared) for other events or unusable ids', () => {
    expect(offlineEventNotice(record('ONCRMLEADADD', { FIELDS: { ID: '1' } }))).toBeNull();
    expect(offlineEventNotice(record('ONCRMDEALUPDATE', { FIELDS: { ID: 'x' } }))).toBeNull();
    expect(offlineEventNotice(record('ONCRMDEALUPDATE', {}))).toBeNull();
  });
});
