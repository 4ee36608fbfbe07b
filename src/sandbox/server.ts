import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { runBatch } from './batch';
import { type CallEnvironment, callMethod } from './call';
import { buildTime, errorBody, methodNotFound, RestError } from './envelope';
import { type FaultInjector, type RequestFault } from './faults';
import { LeakyBucket } from './limits/leaky-bucket';
import { OperatingLimiter } from './limits/operating';
import { type CallerAuth, type MethodResult } from './methods/types';
import { type TokenAuthority } from './oauth';
import { parseMultipart, parsePhpForm } from './php-form';
import { toPhpJson } from './php-json';
import { type Hit, type SandboxPortal } from './portal';
import { collapseSlashes, parseRestPath } from './routing';
import { type LimitOptions, type SandboxStats, type WebhookCredential } from './types';

const DEFAULT_OPERATING_LIMIT_SECONDS = 480;
const DEFAULT_OPERATING_WINDOW_SECONDS = 600;

export interface ServerDeps {
  portal: SandboxPortal;
  tokens: TokenAuthority;
  faults: FaultInjector;
  webhooks: WebhookCredential[];
  invalidCredentialsStatus: number;
  now: () => number;
  stats: SandboxStats;
}

/** Limits can be swapped at runtime (setLimits); false = unlimited. */
export class LimitState {
  bucket: LeakyBucket | null = null;
  operating: OperatingLimiter | null = null;
  costs: Record<string, number> = {};

  constructor(private readonly now: () => number) {}

  configure(limits: false | LimitOptions): void {
    if (limits === false) {
      this.bucket = null;
      this.operating = null;
      this.costs = {};
      return;
    }
    this.bucket = new LeakyBucket(limits.burst, limits.drainPerSecond, this.now);
    this.operating = new OperatingLimiter(
      limits.operatingLimitSeconds ?? DEFAULT_OPERATING_LIMIT_SECONDS,
      limits.operatingWindowSeconds ?? DEFAULT_OPERATING_WINDOW_SECONDS,
      this.now,
    );
    this.costs = Object.fromEntries(Object.entries(limits.operatingCostSeconds ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    portalHit?: Hit;
  }
}

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(toPhpJson(body));
}

export function sendError(reply: FastifyReply, error: RestError): FastifyReply {
  return sendJson(reply, error.status, errorBody(error));
}

function requestParams(request: FastifyRequest): Record<string, unknown> {
  const q = request.url.indexOf('?');
  const query = q === -1 ? {} : parsePhpForm(request.url.slice(q + 1));
  const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
  return { ...query, ...body };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the fastify app: REST, OAuth token endpoint; the admin API is registered by admin.ts. */
export function buildServer(deps: ServerDeps, limits: LimitState): { app: FastifyInstance; hangs: Set<NodeJS.Timeout> } {
  const app = Fastify({ logger: false, forceCloseConnections: true, rewriteUrl: (req) => collapseSlashes(req.url ?? '/'), bodyLimit: 20 * 1024 * 1024 });
  const hangs = new Set<NodeJS.Timeout>();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body).trim();
    if (text === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new RestError(400, 'INVALID_REQUEST', 'Request body is not valid JSON'), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parsePhpForm(String(body))));
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string' }, (req, body, done) =>
    done(null, parseMultipart(String(body), req.headers['content-type'] ?? '')),
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, parsePhpForm(String(body))));

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof RestError) return sendError(reply, error);
    return sendError(reply, new RestError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'));
  });

  app.addHook('onResponse', async (request) => {
    if (request.portalHit) deps.portal.endHit(request.portalHit);
  });

  const env: CallEnvironment = {
    get operating() {
      return limits.operating;
    },
    operatingCost: (method) => limits.costs[method] ?? 0,
    app: (clientId) => deps.tokens.app(clientId),
  };

  function authenticate(route: ReturnType<typeof parseRestPath>, params: Record<string, unknown>): CallerAuth {
    if (route.kind === 'webhook') {
      const hook = deps.webhooks.find((w) => w.userId === route.userId && w.secret === route.secret);
      if (!hook) throw new RestError(deps.invalidCredentialsStatus, 'INVALID_CREDENTIALS', 'Invalid request credentials');
      return { kind: 'webhook', userId: hook.userId };
    }
    const token = typeof params.auth === 'string' ? params.auth : '';
    if (token === '') throw new RestError(401, 'NO_AUTH_FOUND', 'Wrong authorization data');
    const record = deps.tokens.verify(token);
    return { kind: 'app', clientId: record.clientId, userId: record.userId };
  }

  function hang(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        hangs.delete(timer);
        resolve();
      }, ms);
      hangs.add(timer);
    });
  }

  /** Throws the injected error status; returns the hang to apply before (`timeout`) or after (`lost-response`) the call. */
  async function injectFault(method: string): Promise<RequestFault> {
    const latency = deps.faults.latencyMs();
    if (latency > 0) await sleep(latency);
    const fault = deps.faults.forRequest(method);
    if (fault.kind === 'status' && fault.status === 503) throw new RestError(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests');
    if (fault.kind === 'status' && fault.status === 500) throw new RestError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    if (fault.kind === 'status' && fault.status === 429) {
      const resetAt = Math.ceil(deps.now() / 1000) + deps.faults.operatingResetInSeconds();
      throw new RestError(429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.', { time: { operating_reset_at: resetAt } });
    }
    return fault;
  }

  async function dropAfter(ms: number, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    await hang(ms);
    reply.hijack();
    request.raw.socket.destroy();
    return reply;
  }

  app.route({
    method: ['GET', 'POST'],
    url: '/rest/*',
    handler: async (request, reply) => {
      const startedMs = deps.now();
      const path = request.url.split('?')[0] ?? '';
      const route = parseRestPath(path);
      deps.stats.httpRequests++;
      if (route.kind === 'malformed') return sendError(reply, methodNotFound());
      deps.stats.byMethod[route.method] = (deps.stats.byMethod[route.method] ?? 0) + 1;
      const params = requestParams(request);
      deps.stats.restCommands += commandsIn(route.method, params);
      try {
        const auth = authenticate(route, params);
        if (limits.bucket && !limits.bucket.tryTake()) throw new RestError(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests');
        const fault = await injectFault(route.method);
        if (fault.kind === 'timeout') return dropAfter(fault.hangMs, request, reply);
        const hit = deps.portal.beginHit({
          userId: auth.userId,
          clientId: auth.kind === 'app' ? auth.clientId : null,
          robot: false,
          authConnector: typeof params.auth_connector === 'string' ? params.auth_connector : null,
        });
        request.portalHit = hit;
        const isBatch = route.method === 'batch';
        const outcome = isBatch
          ? { body: runBatch(env, hit.ctx, params, auth), processingSeconds: (deps.now() - startedMs) / 1000, operating: undefined }
          : callMethod(env, hit.ctx, route.method, params, auth);
        if (fault.kind === 'lost-response') {
          // The portal did the work: its events go out even though the caller never gets the answer.
          deps.portal.endHit(hit);
          request.portalHit = undefined;
          return dropAfter(fault.hangMs, request, reply);
        }
        return sendJson(reply, 200, successBody(outcome.body, buildTime(startedMs, outcome.processingSeconds, deps.portal.timeZone, outcome.operating)));
      } catch (error) {
        if (error instanceof RestError) {
          if (error.status === 503) deps.stats.rejected503++;
          if (error.status === 429) deps.stats.rejected429++;
          return sendError(reply, error);
        }
        throw error;
      }
    },
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/oauth/token/',
    handler: async (request, reply) => {
      try {
        return sendJson(reply, 200, deps.tokens.refresh(requestParams(request)));
      } catch (error) {
        if (error instanceof RestError) return sendJson(reply, error.status, { error: error.code, error_description: error.description });
        throw error;
      }
    },
  });

  return { app, hangs };
}

function successBody(body: MethodResult, time: ReturnType<typeof buildTime>): Record<string, unknown> {
  const out: Record<string, unknown> = { result: body.result };
  if (body.next !== undefined) out.next = body.next;
  if (body.total !== undefined) out.total = body.total;
  out.time = time;
  return out;
}

function commandsIn(method: string, params: Record<string, unknown>): number {
  if (method !== 'batch') return 1;
  const commands = params.cmd;
  return typeof commands === 'object' && commands !== null ? Object.keys(commands).length : 0;
}
