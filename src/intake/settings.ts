import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import { ensureOfflineIntake, stopOfflineIntake } from './offline-intake';
import { ensureReconcilerSchedule } from './reconciler-schedule';

export type IntakeMode = 'webhook' | 'offline';

/** How events reach the engine for one portal, read from the environment (see `readIntakeSettings`). */
export interface IntakeSettings {
  portal: string;
  mode: IntakeMode;
  reconcileEveryMs: number;
  reconcileLookBackMs: number;
  offlinePollMs: number;
}

const DEFAULTS = {
  LOYALTY_PORTAL: 'sandbox',
  LOYALTY_INTAKE: 'webhook',
  LOYALTY_RECONCILE_EVERY: '5 minutes',
  LOYALTY_RECONCILE_LOOK_BACK: '10 minutes',
  LOYALTY_OFFLINE_POLL_EVERY: '10 seconds',
} as const;

/**
 * LOYALTY_PORTAL (portal key in workflow ids), LOYALTY_INTAKE (`webhook`: the bridge receives events;
 * `offline`: the engine polls the portal's offline-event queue, application installs only),
 * LOYALTY_RECONCILE_EVERY and LOYALTY_RECONCILE_LOOK_BACK (the reconciler, which runs in both modes),
 * LOYALTY_OFFLINE_POLL_EVERY. Durations like `5 minutes`, `90s`, `2h`. Errors name the variable.
 */
export function readIntakeSettings(env: Readonly<Record<string, string | undefined>>): IntakeSettings {
  const value = (name: keyof typeof DEFAULTS): string => env[name]?.trim() || DEFAULTS[name];
  const mode = value('LOYALTY_INTAKE');
  if (mode !== 'webhook' && mode !== 'offline') throw new Error(`LOYALTY_INTAKE: must be "webhook" or "offline", got "${mode}"`);
  return {
    portal: value('LOYALTY_PORTAL'),
    mode,
    reconcileEveryMs: duration(value('LOYALTY_RECONCILE_EVERY'), 'LOYALTY_RECONCILE_EVERY', 1000),
    reconcileLookBackMs: duration(value('LOYALTY_RECONCILE_LOOK_BACK'), 'LOYALTY_RECONCILE_LOOK_BACK', 0),
    offlinePollMs: duration(value('LOYALTY_OFFLINE_POLL_EVERY'), 'LOYALTY_OFFLINE_POLL_EVERY', 1000),
  };
}

/**
 * Offline events are an installed application's queue: an incoming webhook's calls to `event.offline.*` are refused
 * ("Application context required"), so `offline` needs the OAuth application's credentials.
 */
export function requireIntakeAccess(settings: IntakeSettings, access: 'webhook' | 'oauth'): IntakeSettings {
  if (settings.mode === 'offline' && access !== 'oauth') {
    throw new Error('LOYALTY_INTAKE: "offline" needs the OAuth application (BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET, BITRIX24_MEMBER_ID): an incoming webhook cannot read the offline-event queue');
  }
  return settings;
}

function duration(text: string, name: string, minimumMs: number): number {
  let ms: number;
  try {
    ms = msToNumber(text as Parameters<typeof msToNumber>[0]);
  } catch {
    throw new Error(`${name}: "${text}" is not a duration such as "5 minutes", "90s" or "2h"`);
  }
  if (!Number.isFinite(ms) || ms < minimumMs) throw new Error(`${name}: must be at least ${minimumMs / 1000} s, got "${text}"`);
  return Math.round(ms);
}

export interface IntakeTarget {
  address: string;
  namespace: string;
  /** TLS, API key and metadata; `address` wins over its address. */
  connection?: Omit<ConnectionOptions, 'address'>;
}

/**
 * Brings the portal's intake machinery in line with `settings` at worker or engine start: the reconciler
 * Schedule (always), and the offline-queue poller started or stopped by the mode. Returns what it did.
 */
export async function configureIntake(target: IntakeTarget, taskQueue: string, settings: IntakeSettings): Promise<string[]> {
  const connection = await Connection.connect({ ...target.connection, address: target.address });
  try {
    const client = new Client({ connection, namespace: target.namespace });
    const schedule = await ensureReconcilerSchedule(client, {
      portal: settings.portal,
      taskQueue,
      everyMs: settings.reconcileEveryMs,
      lookBackMs: settings.reconcileLookBackMs,
    });
    const lines = [`Reconciler schedule ${schedule} for portal "${settings.portal}": every ${settings.reconcileEveryMs / 1000} s, look-back ${settings.reconcileLookBackMs / 1000} s`];
    if (settings.mode === 'offline') {
      await ensureOfflineIntake(client, { portal: settings.portal, taskQueue, pollIntervalMs: settings.offlinePollMs });
      lines.push(`Offline-event intake polling every ${settings.offlinePollMs / 1000} s`);
    } else {
      await stopOfflineIntake(client, settings.portal);
      lines.push('Webhook intake: events arrive through the bridge');
    }
    return lines;
  } finally {
    await connection.close();
  }
}
