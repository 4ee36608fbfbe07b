import * as wf from '@temporalio/workflow';
import type { ReferralActivities } from '../activities/referral';
import { projectSafely } from './crm-projection';
import { CRM_CALL } from './activity-options';

export interface ReferralThreshold {
  referrals: number;
  percent: number;
}

export interface ReferralInput {
  portal: string;
  referrerContactId: number;
  thresholds: ReferralThreshold[];
  /** Carried across continue-as-new. */
  state?: ReferralState;
}

export interface ReferralHistoryEntry {
  kind: 'qualified' | 'duplicate-ignored' | 'discount-raised';
  referredContactId?: number;
  dealId?: number;
  discountPercent?: number;
  reason: string;
}

export interface ReferralState {
  qualifiedContactIds: number[];
  discountPercent: number;
  /** What the CRM was last told, so unchanged values are not written again. */
  projected: { qualifiedReferrals: number; discountPercent: number } | null;
  history: ReferralHistoryEntry[];
  closed: boolean;
}

export interface ReferredDealWon {
  referredContactId: number;
  dealId: number;
}

export const referredDealWonSignal = wf.defineSignal<[ReferredDealWon]>('referredDealWon');
export const referrerDeletedSignal = wf.defineSignal('referrerDeleted');
export const referralStatusQuery = wf.defineQuery<ReferralState>('referralStatus');

/** The contact's current referral discount, read by the deal workflow when it applies discounts. */
export interface ReferralDiscount {
  percentBasisPoints: number;
  reason: string;
}
export const referralDiscountQuery = wf.defineQuery<ReferralDiscount>('referralDiscount');

const HISTORY_KEPT = 200;

const activities = wf.proxyActivities<ReferralActivities>(CRM_CALL);

function emptyState(): ReferralState {
  return { qualifiedContactIds: [], discountPercent: 0, projected: null, history: [], closed: false };
}

function discountFor(thresholds: ReferralThreshold[], referrals: number): ReferralThreshold | undefined {
  return [...thresholds].sort((a, b) => b.referrals - a.referrals).find((t) => referrals >= t.referrals);
}

function applyWon(state: ReferralState, thresholds: ReferralThreshold[], won: ReferredDealWon): void {
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
export async function referral(input: ReferralInput): Promise<ReferralState> {
  const state = input.state ?? emptyState();
  const pending: ReferredDealWon[] = [];

  wf.setHandler(referredDealWonSignal, (won) => void pending.push(won));
  wf.setHandler(referrerDeletedSignal, () => void (state.closed = true));
  wf.setHandler(referralStatusQuery, () => state);
  wf.setHandler(referralDiscountQuery, () => ({
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
      await wf.continueAsNew<typeof referral>({ ...input, state: { ...state, history: state.history.slice(-HISTORY_KEPT) } });
    }
  }
}

async function projectIfChanged(input: ReferralInput, state: ReferralState): Promise<void> {
  const current = { qualifiedReferrals: state.qualifiedContactIds.length, discountPercent: state.discountPercent };
  const last = state.projected;
  if (last?.qualifiedReferrals === current.qualifiedReferrals && last.discountPercent === current.discountPercent) return;
  const written = await projectSafely(() =>
    activities.projectReferrerStatus({ portal: input.portal, referrerContactId: input.referrerContactId, ...current }),
  );
  if (written) state.projected = current;
}
