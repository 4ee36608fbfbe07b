/**
 * The first referral workflow (thresholds in its input, no programme), kept unchanged so that runs started before
 * the programme-based workflow replay and finish exactly as recorded: `referral` in ./referral.ts hands over to
 * `legacyReferral` when `wf.patched(REFERRAL_PROGRAMME_PATCH)` says the run predates it, or when a legacy run
 * continued-as-new. Do not change its commands; delete it once no legacy run is open
 * (`temporal workflow list --query "WorkflowType='referral' AND ExecutionStatus='Running'"`).
 */
import * as wf from '@temporalio/workflow';
import type { LegacyReferralActivities } from '../activities/referral';
import { projectSafely } from './crm-projection';
import { CRM_CALL } from './activity-options';

export interface LegacyReferralThreshold {
  referrals: number;
  percent: number;
}

export interface LegacyReferralInput {
  portal: string;
  referrerContactId: number;
  thresholds: LegacyReferralThreshold[];
  /** Carried across continue-as-new. */
  state?: LegacyReferralState;
}

export interface LegacyReferralHistoryEntry {
  kind: 'qualified' | 'duplicate-ignored' | 'discount-raised';
  referredContactId?: number;
  dealId?: number;
  discountPercent?: number;
  reason: string;
}

export interface LegacyReferralState {
  qualifiedContactIds: number[];
  discountPercent: number;
  /** What the CRM was last told, so unchanged values are not written again. */
  projected: { qualifiedReferrals: number; discountPercent: number } | null;
  history: LegacyReferralHistoryEntry[];
  closed: boolean;
}

export interface LegacyReferredDealWon {
  referredContactId: number;
  dealId: number;
}

export const legacyReferredDealWonSignal = wf.defineSignal<[LegacyReferredDealWon]>('referredDealWon');
export const legacyReferrerDeletedSignal = wf.defineSignal('referrerDeleted');
export const legacyReferralStatusQuery = wf.defineQuery<LegacyReferralState>('referralStatus');

/** Same name and shape as `referralDiscountQuery` in ./referral.ts, so readers of either run get an answer. */
const legacyReferralDiscountQuery = wf.defineQuery<{ percentBasisPoints: number; reason: string }>('referralDiscount');

const HISTORY_KEPT = 200;

const activities = wf.proxyActivities<LegacyReferralActivities>(CRM_CALL);

function emptyState(): LegacyReferralState {
  return { qualifiedContactIds: [], discountPercent: 0, projected: null, history: [], closed: false };
}

function discountFor(thresholds: LegacyReferralThreshold[], referrals: number): LegacyReferralThreshold | undefined {
  return [...thresholds].sort((a, b) => b.referrals - a.referrals).find((t) => referrals >= t.referrals);
}

function applyWon(state: LegacyReferralState, thresholds: LegacyReferralThreshold[], won: LegacyReferredDealWon): void {
  if (state.qualifiedContactIds.includes(won.referredContactId)) {
    state.history.push({ kind: 'duplicate-ignored', ...won, reason: 'referred contact already counted' });
    return;
  }
  state.qualifiedContactIds.push(won.referredContactId);
  state.history.push({ kind: 'qualified', ...won, reason: `deal ${won.dealId} won by a referred contact` });
  const reached = discountFor(thresholds, state.qualifiedContactIds.length);
  if (reached && reached.percent > state.discountPercent) {
    state.discountPercent = reached.percent;
    state.history.push({
      kind: 'discount-raised',
      discountPercent: reached.percent,
      reason: `${state.qualifiedContactIds.length} qualified referrals reached the ${reached.referrals}-referral threshold`,
    });
  }
}

/** One long-lived workflow per referrer: counts distinct referred contacts whose deals were won. */
export async function legacyReferral(input: LegacyReferralInput): Promise<LegacyReferralState> {
  const state = input.state ?? emptyState();
  const pending: LegacyReferredDealWon[] = [];

  wf.setHandler(legacyReferredDealWonSignal, (won) => void pending.push(won));
  wf.setHandler(legacyReferrerDeletedSignal, () => void (state.closed = true));
  wf.setHandler(legacyReferralStatusQuery, () => state);
  wf.setHandler(legacyReferralDiscountQuery, () => ({
    percentBasisPoints: state.discountPercent * 100,
    reason: `${state.qualifiedContactIds.length} qualified referrals`,
  }));

  for (;;) {
    await wf.condition(() => pending.length > 0 || state.closed || wf.workflowInfo().continueAsNewSuggested);
    while (pending.length > 0) applyWon(state, input.thresholds, pending.shift()!);
    await projectIfChanged(input, state);
    if (state.closed) return state;
    if (wf.workflowInfo().continueAsNewSuggested && pending.length === 0) {
      await wf.condition(wf.allHandlersFinished);
      await wf.continueAsNew<(input: LegacyReferralInput) => Promise<LegacyReferralState>>({ ...input, state: { ...state, history: state.history.slice(-HISTORY_KEPT) } });
    }
  }
}

async function projectIfChanged(input: LegacyReferralInput, state: LegacyReferralState): Promise<void> {
  const current = { qualifiedReferrals: state.qualifiedContactIds.length, discountPercent: state.discountPercent };
  const last = state.projected;
  if (last?.qualifiedReferrals === current.qualifiedReferrals && last.discountPercent === current.discountPercent) return;
  const written = await projectSafely(() =>
    activities.projectReferrerStatus({ portal: input.portal, referrerContactId: input.referrerContactId, ...current }),
  );
  if (written) state.projected = current;
}
