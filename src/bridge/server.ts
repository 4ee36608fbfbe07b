import { type Client } from '@temporalio/client';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import qs from 'qs';
import { AppInstallations, type InstallationOptions } from '../bitrix24/app-installation';
import { handleEvent, type EventLogContext } from './event-route';
import { BridgeMetrics } from './metrics';
import { type PortalConfig, PortalRegistry } from './portal-registry';
import { pingTemporal } from './temporal-notice';
import { LOYALTY_TASK_QUEUE } from '../temporal/task-queues';

export const EVENTS_PATH = '/bitrix24/events';
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
/** Well under the few seconds after which Bitrix24's queue starts throttling a slow handler. */
export const DEFAULT_TEMPORAL_DEADLINE_MS = 3_000;
export const DEFAULT_READINESS_DEADLINE_MS = 1_000;

export interface BridgeServerOptions {
  portals: readonly PortalConfig[];
  /** The OAuth application whose installs (ONAPPINSTALL) bring the tokens of portals configured without one. */
  installations?: InstallationOptions;
  temporal: Client;
  /** Task queue of the entity workflows the events start; default the loyalty queue. */
  taskQueue?: string;
  bodyLimitBytes?: number;
  temporalDeadlineMs?: number;
  readinessDeadlineMs?: number;
  /** A pino logger (JSON lines), `true` for pino on stdout, `false` for silence. Default true. */
  logger?: FastifyBaseLogger | boolean;
}

export interface BridgeServer {
  app: FastifyInstance;
  metrics: BridgeMetrics;
}

/** The bridge's HTTP application, not yet listening (use `app.inject` or `startBridge`). */
export function createBridgeServer(options: BridgeServerOptions): BridgeServer {
  const installations = options.installations === undefined ? null : new AppInstallations(options.installations);
  const registry = new PortalRegistry(options.portals, installations?.tokenStore ?? null);
  const metrics = new BridgeMetrics();
  const app = createFastify(options);
  const outcomes = new WeakMap<FastifyRequest, EventLogContext>();
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  registerBodyParsers(app);

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 413) {
      outcomes.set(request, { outcome: 'too_large' });
      return reply.code(413).send({ error: 'too_large', message: `body: larger than the ${bodyLimitBytes}-byte limit` });
    }
    if (status < 500) {
      outcomes.set(request, { outcome: 'malformed' });
      return reply.code(status).send({ error: 'malformed', message: error.message });
    }
    outcomes.set(request, { outcome: 'internal' });
    request.log.error({ err: { message: error.message } }, 'bridge internal error');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });

  const deps = {
    registry,
    installations,
    temporal: options.temporal,
    taskQueue: options.taskQueue ?? LOYALTY_TASK_QUEUE,
    temporalDeadlineMs: options.temporalDeadlineMs ?? DEFAULT_TEMPORAL_DEADLINE_MS,
  };
  app.post(EVENTS_PATH, {
    bodyLimit: bodyLimitBytes,
    handler: async (request, reply) => {
      const answer = await handleEvent(deps, request.body);
      outcomes.set(request, answer.log);
      return reply.code(answer.status).send(answer.body);
    },
    onResponse: async (request, reply) => {
      // Every answer records its outcome, an unexpected 500 in the error handler; this is only a safety net.
      const context = outcomes.get(request) ?? { outcome: 'internal' };
      metrics.record(context.outcome, reply.elapsedTime / 1000, context.event);
      logEventOutcome(request.log, { ...context, status: reply.statusCode, latencyMs: Math.round(reply.elapsedTime * 10) / 10 });
    },
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await pingTemporal(options.temporal, options.readinessDeadlineMs ?? DEFAULT_READINESS_DEADLINE_MS);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', message: 'Temporal is not reachable' });
    }
  });
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));
  return { app, metrics };
}

function createFastify(options: BridgeServerOptions): FastifyInstance {
  // Fastify's own per-request lines would add nothing safe beyond the one line per event logged below.
  const common = { logController: new LogController({ disableRequestLogging: true }) };
  if (typeof options.logger === 'object') return Fastify({ ...common, loggerInstance: options.logger });
  return Fastify({ ...common, logger: options.logger ?? true });
}

/** Bitrix24 posts PHP-style bracket keys (`data[FIELDS][ID]`); other senders may post JSON. Nothing else is accepted. */
function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, qs.parse(body as string, { depth: 5, parameterLimit: 200 }));
  });
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('body: is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
}

function logEventOutcome(log: FastifyBaseLogger, line: EventLogContext & { status: number; latencyMs: number }): void {
  if (line.outcome === 'temporal_unavailable') log.error(line, 'event not recorded: Temporal unavailable; reconcile later');
  else if (line.outcome === 'token_store_unavailable' || line.outcome === 'internal') log.error(line, `event not recorded: ${line.outcome}`);
  else if (line.outcome === 'accepted' || line.outcome === 'unknown_event') log.info(line, `event ${line.outcome}`);
  else log.warn(line, `event rejected: ${line.outcome}`);
}
