/**
 * Cashback ledger: a customer's bonus account as lots, each with its own expiry and pending period, spent
 * soonest-expiring first. State is plain JSON (carried across continue-as-new); every function is pure, returns a
 * new ledger and never mutates its input. Amounts are positive integer minor units; instants are epoch ms supplied
 * by the caller. Implementation in ./ledger/*.ts; this module is the public surface.
 *
 *   emptyLedger()                                   → Ledger
 *   accrue(ledger, AccrualRequest)                  → LedgerOutcome     credit a lot; idempotent by key; settles debt
 *   spend(ledger, SpendRequest)                     → LedgerOutcome     FIFO by expiry; throws InsufficientBalanceError
 *   expireDue(ledger, at)                           → LedgerChange      write off lots whose own expiry has come
 *   resetAll(ledger, at, reason)                    → LedgerChange      the calendar reset: write off lots accrued before `at`
 *   clawBack(ledger, ClawbackRequest)               → ClawbackOutcome   reverse a credit, per ClawbackPolicy; idempotent
 *   returnDebit(ledger, ReturnRequest)              → ReturnOutcome     give a debit back onto its lots' terms; idempotent
 *   balances(ledger, at)                            → { available, pending, debt, net }
 *   nextDeadline(ledger, after, { resetAt? })        → next instant for a timer, or null
 *   markReminded(ledger, lotKeys, at)               pre-expiry reminders (cashback-reminders.ts), once per lot
 *   totalsByKind(entries) / lifetimeTotals(ledger) / lifetimeDebtCreated(ledger)
 *   compact(ledger, at, retentionMs, retiredKeysLimit?) → Ledger        bound the state (see below)
 *   hasProcessed(ledger, key) / processedAmount(ledger, key) / netBalance(ledger)
 *   cashbackPaymentLimit(deal, capBp) / checkCashbackPayment(request)
 *
 * Policies
 * - Keys: credits (`accrual`, `manual-credit`) and debits (`spend`, `manual-debit`) share one key space; a key seen
 *   before is `duplicate` and changes nothing, whatever the amount. Manual operations record their author.
 * - Spending: only lots past `availableAt` and before `expiresAt`, soonest expiry first (ties: earlier accrual, then
 *   key); a lot may be taken in part. More than the spendable balance is refused whole.
 * - Expiry: a lot expires at its own `expiresAt` (entry dated then); the reset writes off every lot accrued before the
 *   reset instant, pending ones included; debt survives both.
 * - Clawback `debt`: the reversed lot's remainder is taken back and the part already used (spent, or paid towards
 *   earlier debt) becomes debt. `cap`: only the remainder is taken back. Expired parts are never taken back.
 * - Debt is paid off, soonest expiry first, from the live lots (pending ones included) right after each credit or
 *   clawback, so debt and spendable value never coexist; `balances().available` is 0 while debt is owed.
 * - Bounded state: `compact` drops used-up lots and entries older than the retention and sums what it drops into
 *   `archive`; de-duplication then remembers held lots, held entries and the newest `retiredKeysLimit` dropped keys.
 *
 * Invariants (property-tested in test/domain/cashback-ledger*.test.ts), with T = lifetimeTotals(ledger):
 *   T.accrual + T.manual-credit = T.spend + T.manual-debit + T.expiry + T.reset + T.clawback + net
 *   net = Σ lot.remaining − debt;   debt = lifetimeDebtCreated − T.debt-settlement ≥ 0
 *   for every lot: amount = remaining + spent + expired + clawedBack + settledDebt, each part ≥ 0
 * A clawback entry's amount is what it took from the lot plus the debt it created, so under `debt` a reversed credit's
 * `amount` = its clawback + what had expired of it: a deal won then lost gives back exactly what it gave.
 */
export * from './ledger/state';
export * from './ledger/errors';
export { hasProcessed, netBalance, processedAmount } from './ledger/history';
export { accrue } from './ledger/accrue';
export { spend } from './ledger/spend';
export { expireDue, resetAll } from './ledger/write-off';
export { clawBack } from './ledger/clawback';
export { returnDebit, returnedKey, type ReturnOutcome, type ReturnRequest } from './ledger/return-debit';
export { balances, type Balances } from './ledger/balances';
export { markReminded, nextDeadline, type DeadlineOptions } from './ledger/deadlines';
export { lifetimeDebtCreated, lifetimeTotals, totalsByKind } from './ledger/totals';
export { compact } from './ledger/compact';
export { cashbackPaymentLimit, checkCashbackPayment, type CashbackPaymentCheck, type CashbackPaymentRequest } from './ledger/payment-cap';
