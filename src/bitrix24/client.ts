import { type AuthStrategy, type PreparedAuth } from './auth';
import { type Clock, systemClock } from './clock';
import { type Command } from './command';
import { parseErrorBody, parseSuccessEnvelope, type RestEnvelope, type RestTime } from './envelope';
import { classifyError, fromTransportFailure, isRefreshableAuthError } from './error-classification';
import { type Bitrix24Error, OperationTimeLimitError, RateLimitedError, TransientError, ValidationError } from './errors';
import { OperatingLimiter } from './operating-limiter';
import { CLOUD_LIMITS, LeakyBucket } from './rate-limiter';
import { redactText, redactUrl } from './redact';
import { AxiosTransport, type Transport, TransportFailure } from './transport';

/**
 * In-client retries of 503 QUERY_LIMIT_EXCEEDED and 429 OPERATION_TIME_LIMIT. Activities also retry via
 * Temporal, so keep these few and short (or pass `retry: false` and let Temporal own all retries: errors
 * then carry `retryAfterMs` for `nextRetryDelay`).
 */
export interface RetryOptions {
  /** Total attempts per call including the first. */
  maxAttempts: number;
  /** Exponential back-off base after a 503. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest operating-limit pause waited out inside the client; longer pauses fail with `retryAfterMs`. */
  maxOperatingWaitMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, maxOperatingWaitMs: 30_000 };

export interface Bitrix24ClientOptions {
  auth: AuthStrategy;
  transport?: Transport;
  /** Per-process request pacing; share one bucket between clients of the same portal. `false` disables it. */
  rateLimiter?: LeakyBucket | false;
  operatingLimiter?: OperatingLimiter | false;
  retry?: Partial<RetryOptions> | false;
  clock?: Clock;
  /** Told about a portal rename (302 to a new host) so the new address can be persisted. */
  onPortalMoved?: (origin: string) => void;
  /**
   * The signal of the work a call belongs to, read when the call starts (e.g. the running activity attempt's).
   * Once it fires the call sends nothing more and abandons a request in flight, failing with a retryable timeout.
   */
  abortSignal?: () => AbortSignal | undefined;
}

type Attempt =
  | { kind: 'ok'; envelope: RestEnvelope }
  | { kind: 'redirect'; origin: string }
  | { kind: 'error'; error: Bitrix24Error };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export class Bitrix24Client {
  readonly auth: AuthStrategy;
  private readonly transport: Transport;
  private readonly bucket: LeakyBucket | undefined;
  private readonly operating: OperatingLimiter | undefined;
  private readonly retry: RetryOptions | undefined;
  private readonly clock: Clock;
  private readonly onPortalMoved: ((origin: string) => void) | undefined;
  private readonly abortSignal: (() => AbortSignal | undefined) | undefined;

  constructor(options: Bitrix24ClientOptions) {
    this.auth = options.auth;
    this.clock = options.clock ?? systemClock;
    this.transport = options.transport ?? new AxiosTransport();
    this.bucket = options.rateLimiter === false ? undefined : (options.rateLimiter ?? new LeakyBucket(CLOUD_LIMITS, this.clock));
    this.operating =
      options.operatingLimiter === false ? undefined : (options.operatingLimiter ?? new OperatingLimiter({}, this.clock));
    this.retry = options.retry === false ? undefined : { ...DEFAULT_RETRY, ...options.retry };
    this.onPortalMoved = options.onPortalMoved;
    this.abortSignal = options.abortSignal;
  }

  /** The same portal, credentials, limiters and retries, with calls bound to `abortSignal`. */
  withAbortSignal(abortSignal: () => AbortSignal | undefined): Bitrix24Client {
    return new Bitrix24Client({
      auth: this.auth,
      transport: this.transport,
      rateLimiter: this.bucket ?? false,
      operatingLimiter: this.operating ?? false,
      retry: this.retry ?? false,
      clock: this.clock,
      ...(this.onPortalMoved === undefined ? {} : { onPortalMoved: this.onPortalMoved }),
      abortSignal,
    });
  }

  /** Runs one typed command. */
  async run<T>(cmd: Command<T>): Promise<T> {
    const envelope = await this.callEnvelope(cmd.method, cmd.params);
    return cmd.parse(envelope.result, { total: envelope.total, next: envelope.next });
  }

  /** Calls any method and returns its raw `result`. */
  async call(method: string, params: Readonly<Record<string, unknown>> = {}): Promise<unknown> {
    return (await this.callEnvelope(method, params)).result;
  }

  /**
   * Calls a method and returns the whole envelope. `budgetMethods` are the methods whose operating
   * budget the call consumes (for `batch`, the nested methods; the outer call is not counted).
   */
  async callEnvelope(
    method: string,
    params: Readonly<Record<string, unknown>> = {},
    budgetMethods: readonly string[] = [method],
  ): Promise<RestEnvelope> {
    let authReplayed = false;
    // A portal rename is tried on the new host first and remembered only once that host has answered.
    let movedOrigin: string | undefined;
    let attempt = 1;
    const signal = this.abortSignal?.();
    for (;;) {
      await this.awaitOperatingBudget(method, budgetMethods);
      await this.takeTurn(method, signal);
      const prepared = withOrigin(await this.auth.prepare(method), movedOrigin);
      if (signal?.aborted) throw abandoned(method);
      const outcome = await this.attempt(method, prepared, params, signal);
      if (outcome.kind === 'ok') {
        this.observeOperating(method, outcome.envelope.time);
        if (movedOrigin !== undefined) await this.rememberMove(movedOrigin);
        return outcome.envelope;
      }
      if (outcome.kind === 'redirect') {
        if (movedOrigin !== undefined) throw this.refusedRedirect(method, 'portal redirected the call more than once');
        if (isDowngrade(prepared.url, outcome.origin)) throw this.refusedRedirect(method, 'portal redirected an https call to plain http');
        if (!isSamePortalOperator(prepared.url, outcome.origin)) {
          const refused = new URL(outcome.origin).host;
          throw this.refusedRedirect(method, `portal redirected the call to ${refused}, which is neither its own host nor a Bitrix24 cloud portal: not followed`);
        }
        movedOrigin = outcome.origin;
        continue;
      }
      const error = outcome.error;
      if (!authReplayed && isRefreshableAuthError(error)) {
        authReplayed = true;
        if (await this.auth.refreshAfterRejection(prepared.credential)) continue;
      }
      const delay = this.retryDelayMs(error, attempt);
      if (delay === undefined) throw error;
      await this.clock.sleep(delay);
      attempt += 1;
    }
  }

  /**
   * A command inside a batch was refused with OPERATION_TIME_LIMIT: that method is paused like after a 429 of its
   * own, and the pause in force (ms) is returned for the caller's retry delay.
   */
  reportOperatingLimit(method: string): number | undefined {
    return this.operating?.reportLimited(method, undefined);
  }

  /** Records operating time reported for `method` (used by batch for its nested commands). */
  observeOperating(method: string, time: RestTime | undefined): void {
    if (this.operating === undefined || time === undefined) return;
    this.operating.observe(method, { operatingSeconds: time.operatingSeconds, resetAtMs: time.operatingResetAtMs });
  }

  /** Waits for the rate limiter, unless the call's signal fires first. */
  private async takeTurn(method: string, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) throw abandoned(method);
    try {
      await this.bucket?.acquire(signal);
    } catch (error) {
      if (signal?.aborted) throw abandoned(method);
      throw error;
    }
  }

  private async attempt(method: string, prepared: PreparedAuth, params: Readonly<Record<string, unknown>>, signal: AbortSignal | undefined): Promise<Attempt> {
    let response;
    try {
      response = await this.transport.postJson(prepared.url, { ...params, ...prepared.bodyParams }, signal === undefined ? {} : { signal });
    } catch (error) {
      if (error instanceof TransportFailure) {
        return { kind: 'error', error: fromTransportFailure(method, error.failure, error.detail) };
      }
      throw error;
    }
    if (REDIRECT_STATUSES.has(response.status) && response.location !== undefined) {
      return { kind: 'redirect', origin: new URL(response.location, prepared.url).origin };
    }
    const envelope = response.status === 200 ? parseSuccessEnvelope(response.body) : undefined;
    if (envelope !== undefined) return { kind: 'ok', envelope };
    return { kind: 'error', error: this.errorFromResponse(method, prepared.url, response.status, response.body) };
  }

  private errorFromResponse(method: string, url: string, status: number, body: unknown): Bitrix24Error {
    const parsed = parseErrorBody(body);
    const details = {
      method,
      code: parsed?.code ?? '',
      description: redactText(parsed?.description || `unexpected response from ${redactUrl(url)}`, this.auth.secrets()),
      httpStatus: status,
    };
    const error = classifyError(details);
    if (error instanceof RateLimitedError) {
      this.bucket?.reportRejected();
      const retryAfterMs = this.bucket?.delayBeforeNextMs() ?? 1000 / CLOUD_LIMITS.drainPerSecond;
      return classifyError({ ...details, retryAfterMs: Math.ceil(retryAfterMs) });
    }
    if (error instanceof OperationTimeLimitError) {
      const resetAtMs = parsed?.time?.operatingResetAtMs;
      const retryAfterMs =
        this.operating?.reportLimited(method, resetAtMs) ?? (resetAtMs === undefined ? undefined : resetAtMs - this.clock.now());
      return classifyError({ ...details, retryAfterMs: retryAfterMs === undefined ? undefined : Math.max(0, Math.ceil(retryAfterMs)) });
    }
    return error;
  }

  private retryDelayMs(error: Bitrix24Error, attempt: number): number | undefined {
    const retry = this.retry;
    if (retry === undefined || attempt >= retry.maxAttempts) return undefined;
    if (error instanceof RateLimitedError) return Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    if (error instanceof OperationTimeLimitError) {
      const wait = error.retryAfterMs ?? retry.maxOperatingWaitMs + 1;
      if (wait > retry.maxOperatingWaitMs) return undefined;
      // With an operating limiter the pause is waited out before the next attempt.
      return this.operating === undefined ? wait : 0;
    }
    return undefined;
  }

  private async awaitOperatingBudget(method: string, budgetMethods: readonly string[]): Promise<void> {
    // The call's own method counts too: a batch refused as a whole (429 on `batch`) is paused under that name.
    const pause = this.operating?.remainingPauseMs([method, ...budgetMethods]) ?? 0;
    if (pause <= 0) return;
    if (this.retry === undefined || pause > this.retry.maxOperatingWaitMs) {
      throw new OperationTimeLimitError({
        method,
        code: 'OPERATION_TIME_LIMIT',
        description: 'paused by the client until the method operating budget resets',
        retryAfterMs: Math.ceil(pause),
      });
    }
    await this.clock.sleep(pause);
  }

  private async rememberMove(origin: string): Promise<void> {
    await this.auth.moveTo(origin);
    this.onPortalMoved?.(origin);
  }

  private refusedRedirect(method: string, description: string): ValidationError {
    return new ValidationError({ method, code: '', description });
  }
}

function withOrigin(prepared: PreparedAuth, origin: string | undefined): PreparedAuth {
  if (origin === undefined) return prepared;
  const url = new URL(prepared.url);
  return { ...prepared, url: `${origin}${url.pathname}${url.search}` };
}

/** Credentials travel in the URL or body: never let a redirect send them in clear text. */
function isDowngrade(fromUrl: string, toOrigin: string): boolean {
  return new URL(fromUrl).protocol === 'https:' && new URL(toOrigin).protocol !== 'https:';
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * `acme.bitrix24.ru`, `acme.bitrix24.com.br`: a portal name, `bitrix24`, then a top-level domain or `com.<country>`.
 * Any other two-label suffix is refused: whoever registers `evil.example` also holds `acme.bitrix24.evil.example`.
 */
const BITRIX24_CLOUD_HOST = /^[a-z0-9-]+\.bitrix24\.(?:[a-z]{2,}|com\.[a-z]{2})$/;

/**
 * The re-issued request carries the webhook secret or access token, so it may only go where the portal's operator
 * answers: the same host; another Bitrix24 cloud portal (`<name>.bitrix24.<tld>`: a renamed cloud portal moves
 * between such domains, and only Bitrix24 holds them); or, for a local sandbox, another port on the loopback
 * interface. A self-hosted portal is renamed by its owner, who updates the configuration instead.
 */
function isSamePortalOperator(fromUrl: string, toOrigin: string): boolean {
  const from = new URL(fromUrl);
  const to = new URL(toOrigin);
  if (from.host === to.host) return true;
  if (LOOPBACK_HOSTS.has(from.hostname) && LOOPBACK_HOSTS.has(to.hostname)) return true;
  return BITRIX24_CLOUD_HOST.test(from.hostname) && BITRIX24_CLOUD_HOST.test(to.hostname);
}

/** A call given up before its request was sent: nothing reached the portal. */
function abandoned(method: string): TransientError {
  return new TransientError({
    method,
    code: '',
    description: 'call abandoned before sending: the work it belonged to was cancelled or ran out of time',
    transientCause: 'timeout',
    mayHaveBeenApplied: false,
  });
}
