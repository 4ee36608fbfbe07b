import { describe, expect, it } from 'vitest';
import {
  AuthError,
  classifyError,
  MethodNotFoundError,
  NotFoundError,
  OperationTimeLimitError,
  OverloadError,
  RateLimitedError,
  toRetryDescriptor,
  TransientError,
  ValidationError,
} from '../../src/bitrix24';

type Row = [status: number | undefined, error: string, description: string, expected: abstract new (...args: never[]) => Error, retryable: boolean];

// Envelopes as documented / observed on portals (see shared/reference/bitrix24-rest.md §3).
const TABLE: Row[] = [
  [503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests', RateLimitedError, true],
  [429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.', OperationTimeLimitError, true],
  [503, 'OVERLOAD_LIMIT', 'REST API is blocked due to overload', OverloadError, false],
  [401, 'expired_token', 'The access token provided has expired.', AuthError, false],
  [401, 'invalid_token', 'The access token provided is invalid.', AuthError, false],
  [401, 'NO_AUTH_FOUND', 'Wrong authorization data', AuthError, false],
  [401, 'INVALID_CREDENTIALS', 'Invalid request credentials', AuthError, false],
  [403, 'INVALID_CREDENTIALS', 'Invalid request credentials', AuthError, false],
  [403, 'insufficient_scope', 'The request requires higher privileges than provided by the webhook token', AuthError, false],
  [403, 'WRONG_AUTH_TYPE', 'Current authorization type is denied for this method', AuthError, false],
  [403, 'ACCESS_DENIED', 'Access denied!', AuthError, false],
  [404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!', MethodNotFoundError, false],
  [400, '', 'Not found', NotFoundError, false],
  [400, '', 'Contact is not found', NotFoundError, false],
  [400, 'NOT_FOUND', 'Element not found', NotFoundError, false],
  [400, 'OWNER_NOT_FOUND', 'Owner not found', NotFoundError, false],
  [400, 'ERROR_CORE', 'Discount rate is not defined', ValidationError, false],
  [400, 'INVALID_ARG_VALUE', "Invalid filter: field 'X' is not allowed in filter", ValidationError, false],
  [400, '', "Parameter 'fields' must be array.", ValidationError, false],
  [400, '', 'ID is not defined or invalid.', ValidationError, false],
  [400, 'ERROR_BATCH_LENGTH_EXCEEDED', 'Max batch length exceeded', ValidationError, false],
  [500, 'INTERNAL_SERVER_ERROR', 'Internal server error', TransientError, true],
  [502, '', '', TransientError, true],
  [503, '', 'Service Unavailable', TransientError, true],
  [504, '', '', TransientError, true],
  [429, '', '', OperationTimeLimitError, true],
  [undefined, 'ERROR_CORE', 'Discount rate is not defined', ValidationError, false],
  [undefined, '', 'Not found', NotFoundError, false],
];

describe('classifyError', () => {
  it.each(TABLE)('HTTP %s error=%j (%s)', (httpStatus, code, description, expected, retryable) => {
    const error = classifyError({ method: 'crm.deal.get', code, description, httpStatus });
    expect(error).toBeInstanceOf(expected);
    expect(error.retryable).toBe(retryable);
    expect(error.method).toBe('crm.deal.get');
    expect(error.message).toContain('crm.deal.get');
  });

  it('matches codes case-insensitively', () => {
    expect(classifyError({ method: 'm', code: 'Expired_Token', description: '', httpStatus: 401 })).toBeInstanceOf(AuthError);
    expect(classifyError({ method: 'm', code: 'query_limit_exceeded', description: '', httpStatus: 503 })).toBeInstanceOf(RateLimitedError);
  });

  it('prefers the code over the status', () => {
    // A method-not-found reported with the status some SDK docs quote (400) is still method-not-found.
    expect(classifyError({ method: 'm', code: 'ERROR_METHOD_NOT_FOUND', description: 'Method not found!', httpStatus: 400 })).toBeInstanceOf(
      MethodNotFoundError,
    );
  });
});

describe('toRetryDescriptor', () => {
  it('carries retryability, the class name and the portal-given delay', () => {
    const error = classifyError({ method: 'crm.deal.list', code: 'OPERATION_TIME_LIMIT', description: '', httpStatus: 429, retryAfterMs: 12_000 });
    expect(toRetryDescriptor(error)).toEqual({ retryable: true, nextRetryDelayMs: 12_000, type: 'OperationTimeLimitError' });
  });

  it('marks client errors non-retryable without a delay', () => {
    const error = classifyError({ method: 'crm.deal.get', code: '', description: 'Not found', httpStatus: 400 });
    expect(toRetryDescriptor(error)).toEqual({ retryable: false, type: 'NotFoundError' });
  });

  it('makes calls wait out a portal-wide block (credentials, permissions, REST blocked) instead of failing workflows', () => {
    const auth = classifyError({ method: 'crm.deal.get', code: 'expired_token', description: 'The access token provided has expired.', httpStatus: 401 });
    const overload = classifyError({ method: 'crm.deal.get', code: 'OVERLOAD_LIMIT', description: 'REST API is blocked due to overload.', httpStatus: 503 });
    expect([auth, overload].map((error) => error.name)).toEqual(['AuthError', 'OverloadError']);
    expect(toRetryDescriptor(auth)).toEqual({ retryable: true, nextRetryDelayMs: 600_000, type: 'AuthError' });
    expect(toRetryDescriptor(overload)).toEqual({ retryable: true, nextRetryDelayMs: 600_000, type: 'OverloadError' });
  });

  it('leaves unknown errors to the default retry policy', () => {
    expect(toRetryDescriptor(new Error('boom'))).toEqual({ retryable: true, type: 'Bitrix24UnclassifiedError' });
  });
});
