/**
 * Typed error taxonomy for Bitrix24 REST failures. Every error carries a stable `kind`, whether retrying
 * the same call can succeed (`retryable`) and, when the portal told us, how long to wait (`retryAfterMs`).
 * Messages are built from redacted material only.
 */
export type Bitrix24ErrorKind =
  | 'rate_limited'
  | 'operation_time_limit'
  | 'auth'
  | 'not_found'
  | 'method_not_found'
  | 'validation'
  | 'transient'
  | 'overload'
  | 'unexpected_response';

export interface Bitrix24ErrorDetails {
  /** REST method that failed, e.g. `crm.deal.get` (or `batch`). */
  method: string;
  /** The portal's `error` code as sent (may be an empty string for legacy CRM methods). */
  code: string;
  /** The portal's `error_description`, redacted. */
  description: string;
  /** HTTP status, absent for per-command errors inside a batch and for network failures. */
  httpStatus?: number;
  retryAfterMs?: number;
}

export abstract class Bitrix24Error extends Error {
  abstract readonly kind: Bitrix24ErrorKind;
  abstract readonly retryable: boolean;
  readonly method: string;
  readonly code: string;
  readonly description: string;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(details: Bitrix24ErrorDetails) {
    const status = details.httpStatus === undefined ? '' : ` (HTTP ${details.httpStatus})`;
    const code = details.code === '' ? '' : ` ${details.code}:`;
    super(`Bitrix24 ${details.method} failed${status}:${code} ${details.description}`.trimEnd());
    this.name = new.target.name;
    this.method = details.method;
    this.code = details.code;
    this.description = details.description;
    this.httpStatus = details.httpStatus;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 503 QUERY_LIMIT_EXCEEDED: the portal's leaky bucket overflowed. */
export class RateLimitedError extends Bitrix24Error {
  readonly kind = 'rate_limited';
  readonly retryable = true;
}

/** 429 OPERATION_TIME_LIMIT: this method's execution-time budget is spent until `retryAfterMs` elapses. */
export class OperationTimeLimitError extends Bitrix24Error {
  readonly kind = 'operation_time_limit';
  readonly retryable = true;
}

/** Credentials missing, wrong, expired beyond refresh, or lacking scope/permission. */
export class AuthError extends Bitrix24Error {
  readonly kind = 'auth';
  readonly retryable = false;
}

export class NotFoundError extends Bitrix24Error {
  readonly kind = 'not_found';
  readonly retryable = false;
}

/** 404 ERROR_METHOD_NOT_FOUND: unknown method, or a method hidden by missing scope / wrong webhook URL. */
export class MethodNotFoundError extends Bitrix24Error {
  readonly kind = 'method_not_found';
  readonly retryable = false;
}

/** The portal (or this client, before sending) rejected the input. */
export class ValidationError extends Bitrix24Error {
  readonly kind = 'validation';
  readonly retryable = false;
}

export type TransientCause = 'http' | 'network' | 'timeout';

/**
 * 5xx, network failures and timeouts. For writes the request may already have been applied
 * (`mayHaveBeenApplied`), so non-idempotent writes (`*.add`) need a read-before-retry by the caller.
 */
export class TransientError extends Bitrix24Error {
  readonly kind = 'transient';
  readonly retryable = true;
  readonly transientCause: TransientCause;
  readonly mayHaveBeenApplied: boolean;

  constructor(details: Bitrix24ErrorDetails & { transientCause: TransientCause; mayHaveBeenApplied: boolean }) {
    super(details);
    this.transientCause = details.transientCause;
    this.mayHaveBeenApplied = details.mayHaveBeenApplied;
  }
}

/** 503 OVERLOAD_LIMIT: REST blocked for the portal/webhook by Bitrix24 staff; only support can lift it. */
export class OverloadError extends Bitrix24Error {
  readonly kind = 'overload';
  readonly retryable = false;
}

/**
 * The portal answered, but in a shape this client cannot read (a record with an odd field, a changed format). Usually
 * the data of one record: once a manager corrects it in the CRM the same call succeeds, so it is retried.
 */
export class UnexpectedResponseError extends Bitrix24Error {
  readonly kind = 'unexpected_response';
  readonly retryable = true;
}

export function isBitrix24Error(value: unknown): value is Bitrix24Error {
  return value instanceof Bitrix24Error;
}
