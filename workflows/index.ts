// The workflow bundle's entry point: every workflow type the worker can run.
export { referral } from './referral';
