import { DateTime } from 'luxon';

/** A Bitrix24 error: rendered as `{error, error_description}` with its HTTP status. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${status} ${code}: ${description}`);
  }
}

/** Legacy crm.deal.* / crm.contact.* failures: empty code, HTTP 400, free text. */
export function legacyError(description: string): RestError {
  return new RestError(400, '', description);
}

export function coreError(description: string): RestError {
  return new RestError(400, 'ERROR_CORE', description);
}

export const methodNotFound = (): RestError => new RestError(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!');

export interface OperatingInfo {
  operating: number;
  operatingResetAt: number;
}

export interface TimeInfo {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  operating?: number;
  operating_reset_at?: number;
}

/** `YYYY-MM-DDThh:mm:ss±hh:mm` in the portal's zone, whole seconds like the portal prints. */
export function formatPortalDateTime(epochMs: number, timeZone: string): string {
  return DateTime.fromMillis(Math.floor(epochMs / 1000) * 1000, { zone: timeZone }).toISO({ suppressMilliseconds: true, includeOffset: true }) ?? '';
}

export function buildTime(
  startMs: number,
  processingSeconds: number,
  timeZone: string,
  operating?: OperatingInfo,
): TimeInfo {
  const finishMs = startMs + processingSeconds * 1000;
  const time: TimeInfo = {
    start: startMs / 1000,
    finish: finishMs / 1000,
    duration: processingSeconds,
    processing: processingSeconds,
    date_start: formatPortalDateTime(startMs, timeZone),
    date_finish: formatPortalDateTime(finishMs, timeZone),
  };
  if (operating) {
    time.operating = operating.operating;
    time.operating_reset_at = operating.operatingResetAt;
  }
  return time;
}

export function errorBody(error: RestError): Record<string, unknown> {
  return { error: error.code, error_description: error.description, ...error.extra };
}
