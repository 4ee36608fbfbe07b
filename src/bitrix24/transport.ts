import axios, { type AxiosInstance } from 'axios';

export const DEFAULT_USER_AGENT = 'bitrix24-loyalty-engine/0.1.0 (node)';
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface HttpResponse {
  status: number;
  /** Parsed JSON body, or undefined when the body was empty or not JSON (e.g. a proxy's HTML page). */
  body: unknown;
  /** `Location` header of redirects. */
  location?: string;
}

/** Thrown by a transport when no HTTP response arrived. Carries no URL, body or headers (they hold secrets). */
export class TransportFailure extends Error {
  constructor(
    readonly failure: 'timeout' | 'network',
    readonly detail: string,
  ) {
    super(`${failure}: ${detail}`);
    this.name = 'TransportFailure';
  }
}

export interface RequestOptions {
  /** Abandons the request when it fires (the server may still apply it). */
  signal?: AbortSignal;
}

export interface Transport {
  postJson(url: string, body: unknown, options?: RequestOptions): Promise<HttpResponse>;
  postForm(url: string, form: Record<string, string>, options?: RequestOptions): Promise<HttpResponse>;
}

export interface AxiosTransportOptions {
  timeoutMs?: number;
  userAgent?: string;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toTransportFailure(error: unknown): TransportFailure {
  if (axios.isAxiosError(error)) {
    // An abandoned request counts as timed out: it was sent and may have been applied.
    const timedOut = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' || error.code === 'ERR_CANCELED';
    return new TransportFailure(timedOut ? 'timeout' : 'network', error.code ?? 'request failed');
  }
  return new TransportFailure('network', error instanceof Error ? error.name : 'request failed');
}

/**
 * HTTP via axios with redirects disabled: axios would turn a POST 302 into a GET without body,
 * so redirects come back as responses and the client re-issues them itself.
 */
export class AxiosTransport implements Transport {
  private readonly http: AxiosInstance;

  constructor(options: AxiosTransportOptions = {}) {
    this.http = axios.create({
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      headers: { Accept: 'application/json', 'User-Agent': options.userAgent ?? DEFAULT_USER_AGENT },
    });
  }

  postJson(url: string, body: unknown, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.send(url, JSON.stringify(body), 'application/json', options);
  }

  postForm(url: string, form: Record<string, string>, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.send(url, new URLSearchParams(form).toString(), 'application/x-www-form-urlencoded', options);
  }

  private async send(url: string, data: string, contentType: string, options: RequestOptions): Promise<HttpResponse> {
    try {
      const response = await this.http.post<string>(url, data, {
        headers: { 'Content-Type': contentType },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const location = response.headers.location as unknown;
      const result: HttpResponse = { status: response.status, body: parseJson(response.data) };
      if (typeof location === 'string') result.location = location;
      return result;
    } catch (error) {
      throw toTransportFailure(error);
    }
  }
}
