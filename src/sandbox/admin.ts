import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { RestError } from './envelope';
import { type ActAs, type SandboxPortal } from './portal';
import { sendError } from './server';
import { type FaultConfig, type SandboxSeed, type SandboxStats } from './types';

export interface AdminDeps {
  portal: SandboxPortal;
  stats: () => SandboxStats;
  setFaults(faults: FaultConfig): void;
  reseed(seed: SandboxSeed): void;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

type Body = Record<string, unknown>;

function idParam(request: FastifyRequest): number {
  const id = Number((request.params as { id?: string }).id);
  if (!Number.isInteger(id) || id <= 0) throw new RestError(400, 'INVALID_ARG_VALUE', 'id: must be a positive integer');
  return id;
}

function bodyOf(request: FastifyRequest): Body {
  return request.body && typeof request.body === 'object' ? (request.body as Body) : {};
}

/** The manager's identity for simulated UI actions: `userId` (default 1), `robot: true` for automation rules. */
function actAs(body: Body): ActAs {
  return { userId: body.userId === undefined ? 1 : Number(body.userId), robot: body.robot === true };
}

function fieldsOf(body: Body): Record<string, unknown> {
  if (!body.fields || typeof body.fields !== 'object') throw new RestError(400, 'INVALID_ARG_VALUE', 'fields: an object of CRM fields is required');
  return body.fields as Record<string, unknown>;
}

/**
 * Inspection and manager-simulation endpoints under /sandbox, answered only to loopback clients.
 * Writes go through the portal object, so they fire outgoing events exactly like a user's action would.
 */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { portal } = deps;
  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (request, reply) => {
        if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) return sendError(reply, new RestError(403, 'ACCESS_DENIED', 'The sandbox admin API answers loopback clients only'));
      });
      const found = <T>(value: T | undefined, what: string): T => {
        if (value === undefined) throw new RestError(404, 'NOT_FOUND', `${what} not found`);
        return value;
      };
      const ok = (reply: FastifyReply, body: unknown) => reply.code(200).send(body);

      admin.get('/stats', async (_req, reply) => ok(reply, deps.stats()));
      admin.post('/faults', async (req, reply) => {
        deps.setFaults(bodyOf(req) as FaultConfig);
        return ok(reply, { ok: true });
      });
      admin.post('/seed', async (req, reply) => {
        deps.reseed(bodyOf(req) as SandboxSeed);
        return ok(reply, { ok: true, deals: portal.deals.ids().length, contacts: portal.contacts.ids().length });
      });
      admin.get('/events', async (_req, reply) => ok(reply, portal.eventLog()));
      admin.get('/notifications', async (_req, reply) => ok(reply, portal.notifications()));
      admin.get('/stages', async (_req, reply) => ok(reply, portal.stages()));

      admin.get('/contacts/:id', async (req, reply) => {
        const id = idParam(req);
        return ok(reply, { contact: found(portal.contacts.get(id), `contact ${id}`), timeline: portal.timeline.list('contact', id) });
      });
      admin.post('/contacts', async (req, reply) => ok(reply, { id: portal.contacts.add(fieldsOf(bodyOf(req)), actAs(bodyOf(req))) }));
      admin.post('/contacts/:id', async (req, reply) => {
        portal.contacts.update(idParam(req), fieldsOf(bodyOf(req)), actAs(bodyOf(req)));
        return ok(reply, { ok: true });
      });

      admin.get('/deals/:id', async (req, reply) => {
        const id = idParam(req);
        return ok(reply, {
          deal: found(portal.deals.get(id), `deal ${id}`),
          contacts: portal.deals.contacts(id),
          productRows: portal.deals.productRows(id),
          timeline: portal.timeline.list('deal', id),
          stageHistory: portal.deals.stageHistory(id),
        });
      });
      admin.post('/deals', async (req, reply) => ok(reply, { id: portal.deals.add(fieldsOf(bodyOf(req)), actAs(bodyOf(req))) }));
      admin.post('/deals/:id', async (req, reply) => {
        portal.deals.update(idParam(req), fieldsOf(bodyOf(req)), actAs(bodyOf(req)));
        return ok(reply, { ok: true });
      });
      admin.post('/deals/:id/stage', async (req, reply) => {
        const body = bodyOf(req);
        if (typeof body.stageId !== 'string') throw new RestError(400, 'INVALID_ARG_VALUE', 'stageId: a stage id such as WON or C1:WON is required');
        portal.deals.setStage(idParam(req), body.stageId, actAs(body));
        return ok(reply, { ok: true, deal: portal.deals.get(idParam(req)) });
      });
      admin.post('/deals/:id/category', async (req, reply) => {
        const body = bodyOf(req);
        const categoryId = Number(body.categoryId);
        if (!Number.isInteger(categoryId) || categoryId < 0) throw new RestError(400, 'INVALID_ARG_VALUE', 'categoryId: a pipeline id is required');
        portal.deals.moveToCategory(idParam(req), categoryId, typeof body.stageId === 'string' ? body.stageId : undefined, actAs(body));
        return ok(reply, { ok: true, deal: portal.deals.get(idParam(req)) });
      });
      admin.post('/deals/:id/product-rows', async (req, reply) => {
        const body = bodyOf(req);
        if (!Array.isArray(body.rows)) throw new RestError(400, 'INVALID_ARG_VALUE', 'rows: an array of product rows is required');
        portal.deals.setProductRows(idParam(req), body.rows as Record<string, unknown>[], actAs(body));
        return ok(reply, { ok: true, productRows: portal.deals.productRows(idParam(req)) });
      });
      admin.post('/deals/:id/comments', async (req, reply) => {
        const body = bodyOf(req);
        return ok(reply, { id: portal.timeline.add('deal', idParam(req), String(body.comment ?? ''), actAs(body)) });
      });
    },
    { prefix: '/sandbox' },
  );
}
