import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import qs from 'qs';
import { type SandboxHandle } from '../../src/sandbox';

export interface RestResponse {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** POSTs JSON (or a PHP-style form when `form` is set) to a REST URL and returns status + parsed body. */
export async function post(url: string, params: Record<string, unknown> = {}, form = false): Promise<RestResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? qs.stringify(params, { encodeValuesOnly: true }) : JSON.stringify(params),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), text };
}

export function call(sandbox: SandboxHandle, method: string, params: Record<string, unknown> = {}): Promise<RestResponse> {
  return post(`${sandbox.webhookUrl}${method}`, params);
}

/** Calls through OAuth: `/rest/{method}` with the token in `auth`. */
export function callApp(sandbox: SandboxHandle, token: string, method: string, params: Record<string, unknown> = {}): Promise<RestResponse> {
  return post(`${sandbox.baseUrl}/rest/${method}`, { ...params, auth: token });
}

export function resultOf<T>(response: RestResponse): T {
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.text}`);
  return response.body.result as T;
}

export interface ReceivedEvent {
  raw: string;
  keys: string[];
  fields: Record<string, string>;
  contentType: string | undefined;
}

/** A real HTTP event handler on 127.0.0.1:0 recording every form-encoded POST it receives. */
export async function startEventHandler(): Promise<{ url: string; received: ReceivedEvent[]; close(): Promise<void>; waitFor(count: number, ms?: number): Promise<void> }> {
  const received: ReceivedEvent[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const pairs = raw.split('&').map((p) => p.split('=').map((s) => decodeURIComponent(s.replace(/\+/g, ' '))) as [string, string]);
      received.push({ raw, keys: pairs.map(([k]) => k), fields: Object.fromEntries(pairs), contentType: req.headers['content-type'] });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/handler`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    waitFor: async (count, ms = 3000) => {
      const deadline = Date.now() + ms;
      while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    },
  };
}

/** A controllable clock for limits and token expiry. */
export function fakeClock(startMs = Date.UTC(2026, 5, 1, 9, 0, 0)) {
  let now = startMs;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}
