/**
 * Answers the admin surface gives instead of a result. Each is the caller's mistake, reported in full and with
 * nothing granted or debited: the CLI exits 2, the HTTP API answers 422 (refused) or 409 (request id reused).
 */

/** The request breaks a rule (bonus maximum, reason length, who may grant, balance, payment cap, …). */
export class RequestRefusedError extends Error {
  constructor(
    readonly what: string,
    readonly problems: readonly string[],
  ) {
    super(`${what} refused\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'RequestRefusedError';
  }
}

/** A request id names one operation; using it again for a different one is refused rather than ignored. */
export class RequestIdReusedError extends Error {
  constructor(requestId: string, what: string) {
    super(`request id ${requestId} was already used for a different ${what}`);
    this.name = 'RequestIdReusedError';
  }
}
