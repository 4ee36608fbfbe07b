// The workflow bundle's entry point: every workflow type the worker can run.
export { birthday } from './birthday';
export { bonus } from './bonus';
export { cashback } from './cashback';
export { deal } from './deal';
export { purchases } from './purchases';
export { referral } from './referral';
