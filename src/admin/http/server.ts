/**
 * The admin HTTP API, so a Bitrix24 business process or a button can grant a bonus or record a redemption:
 *   POST /admin/bonus/{apology|review}  {contactId, amount?, reason, author, requestId?}
 *   POST /admin/redeem                  {contactId, dealId, amount, requestId?}
 *   GET  /admin/contacts/:id            the contact's loyalty report
 * Every request needs `Authorization: Bearer <LOYALTY_ADMIN_TOKEN>` (401 before anything is read or started);
 * the request id comes from `Idempotency-Key` or `requestId`, and a repeat gets the same answer.
 * Answers: 200, 400 (malformed, naming the field), 401, 404, 409 (request id reused), 422 (refused by the rules).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { BonusKind } from '../../domain/programme';
import type { RedemptionContext } from '../context';
import { inspectContact } from '../inspect-contact';
import { redeemCashback } from '../redeem-cashback';
import { RequestIdReusedError, RequestRefusedError } from '../refusal';
import { grantStaffBonus } from '../staff-bonus';
import { bonusView, redemptionView } from '../views';
import { bearerChecker } from './bearer';
import { bonusBodySchema, checkBody, redeemBodySchema, requestIdOf } from './bodies';

export interface AdminServerOptions {
  context: RedemptionContext;
  /** The bearer token callers must send; never logged. */
  token: string;
  /** A pino logger: one line per request with route, status and latency, nothing from the request itself. */
  logger?: FastifyBaseLogger;
}

const BODY_LIMIT_BYTES = 16 * 1024;
const BONUS_KINDS: readonly BonusKind[] = ['apology', 'review'];

export function createAdminServer(options: AdminServerOptions): FastifyInstance {
  const { context } = options;
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
  });
  registerBodyParsers(app);
  const authorized = bearerChecker(options.token);

  app.addHook('onRequest', async (request, reply) => {
    if (authorized(request.headers.authorization)) return;
    await reply.code(401).header('www-authenticate', 'Bearer realm="loyalty-admin"').send({ error: 'unauthorized', message: 'send Authorization: Bearer <admin token>' });
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ route: request.routeOptions.url ?? 'unknown', status: reply.statusCode, latencyMs: Math.round(reply.elapsedTime) }, 'admin request');
  });
  app.setErrorHandler(async (error: FastifyError, request, reply) => answerError(error, reply, request.log));
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: 'not found' }));

  app.post<{ Params: { kind: string } }>('/admin/bonus/:kind', async (request, reply) => {
    const kind = BONUS_KINDS.find((k) => k === request.params.kind);
    if (kind === undefined) return reply.code(404).send({ error: 'not found', message: `bonus kinds: ${BONUS_KINDS.join(', ')}` });
    const body = checkBody(bonusBodySchema(context.programme), request.body);
    if (!body.ok) return invalid(reply, body.problems);
    const requestId = requestIdOf(request.headers['idempotency-key'], body.value.requestId);
    if (!requestId.ok) return invalid(reply, requestId.problems);
    const { requestId: _ignored, ...order } = body.value;
    const result = await grantStaffBonus(context, { ...order, kind, requestId: requestId.value });
    return bonusView(result, context.programme);
  });

  app.post('/admin/redeem', async (request, reply) => {
    const body = checkBody(redeemBodySchema(context.programme), request.body);
    if (!body.ok) return invalid(reply, body.problems);
    const requestId = requestIdOf(request.headers['idempotency-key'], body.value.requestId);
    if (!requestId.ok) return invalid(reply, requestId.problems);
    const result = await redeemCashback(context, { ...body.value, requestId: requestId.value });
    return redemptionView(result, context.programme);
  });

  app.get<{ Params: { id: string } }>('/admin/contacts/:id', async (request, reply) => {
    const contactId = Number(request.params.id);
    if (!/^\d+$/.test(request.params.id) || !Number.isSafeInteger(contactId) || contactId <= 0) return invalid(reply, ['id: must be a positive whole number']);
    return inspectContact(context.client, context.portal, contactId, context.programme);
  });
  return app;
}

function invalid(reply: FastifyReply, problems: string[]): FastifyReply {
  return reply.code(400).send({ error: 'invalid request', problems });
}

function answerError(error: FastifyError, reply: FastifyReply, log: FastifyBaseLogger): FastifyReply {
  if (error instanceof RequestRefusedError) return reply.code(422).send({ error: 'refused', problems: error.problems });
  if (error instanceof RequestIdReusedError) return reply.code(409).send({ error: 'conflict', message: error.message });
  if (error.statusCode === 413) return reply.code(413).send({ error: 'too large', message: `body: larger than ${BODY_LIMIT_BYTES} bytes` });
  if (error.statusCode === 415) return reply.code(415).send({ error: 'unsupported media type', message: 'send application/json or application/x-www-form-urlencoded' });
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return invalid(reply, [error.message]);
  // The error's name only: Temporal and portal messages may quote request data.
  log.error({ error: error.name }, 'admin request failed');
  return reply.code(500).send({ error: 'internal error' });
}

/** JSON, or the form encoding Bitrix24 business-process requests send; nothing else. */
function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('body: is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}

export interface RunningAdminServer {
  url: string;
  stop(): Promise<void>;
}

/** Listens on 127.0.0.1 unless told otherwise; port 0 picks a free one. */
export async function startAdminServer(options: AdminServerOptions & { host?: string; port: number }): Promise<RunningAdminServer> {
  const app = createAdminServer(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return { url: `http://${host}:${port}`, stop: () => app.close() };
}
