import { type Client } from '@temporalio/client';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type EventOutcome } from './metrics';
import { isBridgeEvent, readCredentials, readEntityEvent, readEventName } from './payload';
import { type PortalRegistry } from './portal-registry';
import { signalEntityWorkflow } from './temporal-notice';

/** What the access log line of one event POST says: ids and outcome only, never a token. */
export interface EventLogContext {
  outcome: EventOutcome;
  event?: string;
  entityId?: number;
  ts?: number;
  portal?: string;
  memberIdPrefix?: string;
  error?: string;
}

export interface EventRouteDeps {
  registry: PortalRegistry;
  temporal: Client;
  temporalDeadlineMs: number;
}

const MEMBER_ID_PREFIX_LENGTH = 6;

/**
 * `POST /bitrix24/events`: authenticate, validate, then signal-with-start the entity's workflow. The 200 goes out
 * only after Temporal accepted the signal, because Bitrix24 never retries: an acknowledged event must not be lost.
 */
export async function handleEvent(deps: EventRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<EventLogContext> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    await reply.code(400).send({ error: 'malformed', message: 'body: must be a form-encoded or JSON object' });
    return { outcome: 'malformed' };
  }
  const credentials = readCredentials(body);
  const portal = credentials && deps.registry.authenticate(credentials.memberId, credentials.applicationToken);
  const memberIdPrefix = credentials?.memberId.slice(0, MEMBER_ID_PREFIX_LENGTH);
  if (!portal) {
    await reply.code(401).send({ error: 'unauthorized', message: 'unknown auth[member_id] or wrong auth[application_token]' });
    return { outcome: 'unauthorized', memberIdPrefix };
  }
  const name = readEventName(body);
  if (!name.ok) {
    await reply.code(400).send({ error: 'malformed', message: name.problem });
    return { outcome: 'malformed', portal: portal.key, memberIdPrefix };
  }
  if (!isBridgeEvent(name.value)) {
    await reply.code(202).send({ status: 'ignored', event: name.value });
    return { outcome: 'unknown_event', event: name.value, portal: portal.key, memberIdPrefix };
  }
  const parsed = readEntityEvent(body, name.value);
  if (!parsed.ok) {
    await reply.code(400).send({ error: 'malformed', message: parsed.problem });
    return { outcome: 'malformed', event: name.value, portal: portal.key, memberIdPrefix };
  }
  const { entityId, ts } = parsed.value;
  const context = { event: name.value, entityId, ts, portal: portal.key, memberIdPrefix };
  try {
    await signalEntityWorkflow(deps.temporal, portal.key, parsed.value, deps.temporalDeadlineMs);
  } catch (error) {
    await reply.code(503).send({ error: 'temporal_unavailable', message: 'event not recorded, Temporal did not accept it in time' });
    return { outcome: 'temporal_unavailable', ...context, error: error instanceof Error ? error.message : String(error) };
  }
  await reply.code(200).send({ status: 'accepted' });
  return { outcome: 'accepted', ...context };
}
