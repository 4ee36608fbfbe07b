/** Parsing of the portal's response envelopes: `{result,total,next,time}` and `{error,error_description}`. */

export interface RestTime {
  /** Seconds the method spent (`processing`). */
  processingSeconds?: number;
  /** Accumulated execution seconds of this method for this app/webhook (`operating`, cloud only). */
  operatingSeconds?: number;
  /** Epoch ms when the oldest operating bucket expires (`operating_reset_at`, unix seconds on the wire). */
  operatingResetAtMs?: number;
}

export interface RestEnvelope<T = unknown> {
  result: T;
  /** Row count of list methods (0 when called with `start: -1`). */
  total?: number;
  /** Offset of the next page; absent on the last page. */
  next?: number;
  time?: RestTime;
}

export interface RestErrorBody {
  code: string;
  description: string;
  time?: RestTime;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finiteNumber(value: unknown): number | undefined {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : undefined;
}

export function parseTime(value: unknown): RestTime | undefined {
  if (!isRecord(value)) return undefined;
  const time: RestTime = {};
  const processing = finiteNumber(value.processing);
  const operating = finiteNumber(value.operating);
  const resetAt = finiteNumber(value.operating_reset_at);
  if (processing !== undefined) time.processingSeconds = processing;
  if (operating !== undefined) time.operatingSeconds = operating;
  if (resetAt !== undefined) time.operatingResetAtMs = resetAt * 1000;
  return time;
}

/** Returns the success envelope, or undefined when the body is not one (no `result` key). */
export function parseSuccessEnvelope(body: unknown): RestEnvelope | undefined {
  if (!isRecord(body) || !('result' in body) || 'error' in body) return undefined;
  const envelope: RestEnvelope = { result: body.result };
  const total = finiteNumber(body.total);
  const next = finiteNumber(body.next);
  const time = parseTime(body.time);
  if (total !== undefined) envelope.total = total;
  if (next !== undefined) envelope.next = next;
  if (time !== undefined) envelope.time = time;
  return envelope;
}

/** Reads `{error, error_description}`; the OAuth server uses the same keys. */
export function parseErrorBody(body: unknown): RestErrorBody | undefined {
  if (!isRecord(body) || !('error' in body)) return undefined;
  const error: RestErrorBody = {
    code: typeof body.error === 'string' ? body.error : String(body.error ?? ''),
    description: typeof body.error_description === 'string' ? body.error_description : '',
  };
  const time = parseTime(body.time);
  if (time !== undefined) error.time = time;
  return error;
}

export { isRecord };
