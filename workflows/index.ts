// The workflow bundle's entry point: every workflow type the worker can run.
export { birthday } from './birthday';
export { bonus } from './bonus';
export { cashback } from './cashback';
export { contact } from './contact';
export { deal } from './deal';
export { groupDiscountUsage } from './group-discount-usage';
export { offlineEvents } from './offline-events';
export { programmeRollout } from './programme-rollout';
export { purchases } from './purchases';
export { reconciler } from './reconciler';
export { referral } from './referral';
