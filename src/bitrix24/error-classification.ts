import {
  AuthError,
  type Bitrix24Error,
  type Bitrix24ErrorDetails,
  MethodNotFoundError,
  NotFoundError,
  OperationTimeLimitError,
  OverloadError,
  RateLimitedError,
  TransientError,
  ValidationError,
} from './errors';

type ErrorFactory = (details: Bitrix24ErrorDetails) => Bitrix24Error;

const transientHttp: ErrorFactory = (d) =>
  new TransientError({ ...d, transientCause: 'http', mayHaveBeenApplied: true });

/** Error codes (lower-cased) → class. The portal's codes mix UPPER_SNAKE and OAuth-style lowercase. */
const BY_CODE: ReadonlyMap<string, ErrorFactory> = new Map<string, ErrorFactory>([
  ['query_limit_exceeded', (d) => new RateLimitedError(d)],
  ['operation_time_limit', (d) => new OperationTimeLimitError(d)],
  ['overload_limit', (d) => new OverloadError(d)],
  ...[
    'expired_token',
    'invalid_token',
    'no_auth_found',
    'invalid_credentials',
    'insufficient_scope',
    'invalid_scope',
    'wrong_auth_type',
    'access_denied',
    'user_access_error',
    'method_confirm_waiting',
    'invalid_grant',
    'invalid_client',
    'payment_required',
    'portal_deleted',
    'allowed_only_intranet_user',
  ].map((code): [string, ErrorFactory] => [code, (d) => new AuthError(d)]),
  ['error_method_not_found', (d) => new MethodNotFoundError(d)],
  ['not_found', (d) => new NotFoundError(d)],
  ['owner_not_found', (d) => new NotFoundError(d)],
  ['error_not_found', (d) => new NotFoundError(d)],
  ...[
    'error_core',
    'invalid_arg_value',
    'invalid_request',
    'error_batch_length_exceeded',
    'error_batch_method_not_allowed',
    'error_event_not_found',
    'error_handler_already_exist',
    'error_argument',
    'crm_field_error_value_not_valid',
    'error_required_parameters_missing',
    'user_id_empty',
    'message_empty',
    '100',
  ].map((code): [string, ErrorFactory] => [code, (d) => new ValidationError(d)]),
  ['internal_server_error', transientHttp],
  ['error_unexpected_answer', transientHttp],
]);

const NOT_FOUND_TEXT = /not found/i;

function byStatus(details: Bitrix24ErrorDetails): Bitrix24Error {
  const status = details.httpStatus;
  if (status === undefined) return new ValidationError(details);
  // A 2xx/3xx without a usable envelope (proxy page, truncated body) is a transport-level hiccup.
  if (status < 400) return transientHttp(details);
  if (status === 503) return transientHttp(details);
  if (status === 429) return new OperationTimeLimitError(details);
  if (status === 408 || status >= 500) return transientHttp(details);
  if (status === 401 || status === 403) return new AuthError(details);
  if (status === 404) return new NotFoundError(details);
  return new ValidationError(details);
}

/**
 * Classifies a failed call: by `error` code first (case-insensitive), then — for empty or unknown
 * codes, as legacy `crm.deal.*`/`crm.contact.*` send — by "not found" text, then by HTTP status.
 * `httpStatus` is absent for per-command batch errors.
 */
export function classifyError(details: Bitrix24ErrorDetails): Bitrix24Error {
  const factory = BY_CODE.get(details.code.trim().toLowerCase());
  if (factory !== undefined) return factory(details);
  if (NOT_FOUND_TEXT.test(details.description)) return new NotFoundError(details);
  return byStatus(details);
}

/** Codes after which an OAuth client may refresh its access token once and replay the call. */
export function isRefreshableAuthError(error: Bitrix24Error): boolean {
  const code = error.code.toLowerCase();
  return error instanceof AuthError && (code === 'expired_token' || code === 'invalid_token');
}

/** A request that got no HTTP response. Reads are safe to retry; writes may have been applied. */
export function fromTransportFailure(
  method: string,
  failure: 'timeout' | 'network',
  detail: string,
): TransientError {
  return new TransientError({
    method,
    code: '',
    description: failure === 'timeout' ? `request timed out (${detail})` : `network failure (${detail})`,
    transientCause: failure,
    mayHaveBeenApplied: failure === 'timeout',
  });
}
