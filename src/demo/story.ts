/**
 * The demo story `loyalty start` plays once on a fresh sandbox: a referrer whose three friends buy (referral tiers,
 * welcome rewards), a birthday customer paying part of a deal with cashback (discounts written into the deal), and an
 * apology bonus. It acts only as a CRM user would (src/demo/crm-user.ts) plus one staff request through the admin
 * path, then waits until the CRM and the customers' workflows show what the rules file says they must, and records
 * every number as a check (expected from the rules, actual from the engine).
 */
import type { Client } from '@temporalio/client';
import type { Programme } from '../domain/programme';
import type { SandboxPortal } from '../sandbox';
import { apologyChapter } from './apology-chapter';
import { birthdayChapter } from './birthday-chapter';
import { CrmUser } from './crm-user';
import { CrmView } from './crm-view';
import { failedStep } from './checks';
import { referralChapter } from './referral-chapter';
import type { Scene } from './scene';
import { StoryLog, type DemoOutcome } from './story-log';
import type { Patience } from './wait';

export type { DemoOutcome, DemoCustomer } from './story-log';
export type { DemoCheck } from './checks';

export interface DemoStoryDeps {
  /** The sandbox portal the engine is wired to (its events reach the bridge). */
  crm: SandboxPortal;
  client: Client;
  programme: Programme;
  /** Portal key of the engine's workflows. */
  portal: string;
  taskQueue: string;
  runId: string;
  now?: () => number;
  /** How long each effect may take to show; default 3 minutes (the portal's request budget paces the engine). */
  stepTimeoutMs?: number;
  signal?: AbortSignal;
  /** Each check as it is settled. */
  progress?: (line: string) => void;
}

const DEFAULT_STEP_TIMEOUT_MS = 180_000;
const POLL_MS = 500;

export async function playDemoStory(deps: DemoStoryDeps): Promise<DemoOutcome> {
  const patience: Patience = { timeoutMs: deps.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, pollMs: POLL_MS, ...(deps.signal ? { signal: deps.signal } : {}) };
  const log = new StoryLog(patience, deps.progress ?? (() => undefined));
  const scene: Scene = {
    programme: deps.programme,
    user: new CrmUser(deps.crm, deps.programme),
    view: new CrmView(deps.crm, deps.client, deps.portal),
    log,
    admin: { client: deps.client, programme: deps.programme, portal: deps.portal, taskQueue: deps.taskQueue },
    now: deps.now ?? Date.now,
    runId: deps.runId,
  };
  const referrerId = await referralChapter(scene);
  await chapter(log, deps.signal, referrerId, 'birthday and cashback', () => birthdayChapter(scene));
  await chapter(log, deps.signal, referrerId, 'apology bonus', () => apologyChapter(scene, referrerId));
  return log.outcome();
}

/** A chapter that breaks (a rules file the story cannot use) is a failed check, filed under `contactId`; the next still plays. */
async function chapter(log: StoryLog, signal: AbortSignal | undefined, contactId: number, name: string, play: () => Promise<void>): Promise<void> {
  try {
    await play();
  } catch (error) {
    if (signal?.aborted) throw error;
    log.record(failedStep(contactId, `chapter "${name}"`, 'played', error));
  }
}
