/** Thrown when a debit asks for more than the spendable balance; nothing is debited. */
export class InsufficientBalanceError extends Error {
  constructor(
    readonly requested: number,
    readonly available: number,
  ) {
    super(`insufficient cashback balance: requested ${requested}, available ${available} (minor units)`);
    this.name = 'InsufficientBalanceError';
  }
}

/** Thrown for a malformed request (bad amount, key, instant, reason); the ledger is left as it was. */
export class InvalidLedgerRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidLedgerRequestError';
  }
}
