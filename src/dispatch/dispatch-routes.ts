import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../audit/append-audit.js';
import { currentUser, requireRole } from '../auth/require-role.js';
import type { IncidentBus } from '../incidents/incident-bus.js';
import type { Database } from '../store/database-schema.js';
import { DispatchError } from './dispatch-error.js';
import { ACTIVE_STATUSES, type DispatchOrder } from './dispatch-order.js';
import {
  acceptBodySchema,
  assignBodySchema,
  closeBodySchema,
  contractedArrivalBodySchema,
  customerIdSchema,
  declineBodySchema,
  enRouteBodySchema,
  eventViewSchema,
  eventView,
  guardStatusBodySchema,
  guardView,
  guardViewSchema,
  orderIdSchema,
  orderListQuerySchema,
  orderView,
  orderViewSchema,
  registerGuardBodySchema,
  reportBodySchema,
} from './dispatch-schemas.js';
import type { DispatchService, GuardCommand } from './dispatch-service.js';
import { guardOf, loadGuard, loadOrder } from './dispatch-store.js';
import { registerGuardLive, type GuardLiveDeps } from './guard-live.js';

export interface DispatchRouteDeps {
  db: Kysely<Database>;
  service: Pick<DispatchService, 'bus' | 'guardCommand' | 'assign' | 'close' | 'setGuardStatus' | 'registerGuard'>;
  now: () => Date;
  /** Wakes the guard channels on order changes made in others' transactions (see guard-live.ts). */
  incidentBus?: IncidentBus;
  /** Called after a customer's contracted arrival changed (the customer card cache forgets it). */
  onCustomersChanged?: () => Promise<void>;
  /** The guard channel's poll and keep-alive (tests shorten them). */
  live?: Pick<GuardLiveDeps, 'pollMs' | 'pingIntervalMs'>;
}

const security = [{ bearer: [] }];
const tags = ['dispatch'];
const orderResponse = { 200: z.object({ order: orderViewSchema }) };

/**
 * Guard dispatch over HTTP. Guards (a phone app) see and act on their own orders only, and set
 * their own status; operators and supervisors read every order and guard, give an order to a
 * guard by hand and close orders; supervisors and admins register guards; admins set a
 * customer's contracted arrival; police read orders of incidents forwarded to 110, never write.
 */
export function registerDispatchRoutes(scope: FastifyInstance, deps: DispatchRouteDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const readers = requireRole('operator', 'supervisor', 'admin', 'police');
  const guardOnly = requireRole('guard');

  app.get(
    '/api/guard/orders',
    { preHandler: guardOnly, schema: { tags, security, summary: 'The orders the signed-in guard holds (issued … reported)', response: { 200: z.object({ guard: guardViewSchema.nullable(), orders: z.array(orderViewSchema) }) } } },
    async (req) => {
      const user = currentUser(req);
      const [guard, rows] = await Promise.all([
        loadGuard(deps.db, user.id),
        deps.db.selectFrom('dispatch_order_state').select('state').where('guard_id', '=', user.id).where('status', '<>', 'closed').orderBy('order_id').execute(),
      ]);
      return { guard: guard ? guardView(guard) : null, orders: rows.map((r) => orderView(r.state as DispatchOrder)) };
    },
  );

  /** A guard's step on their order: the body's schema, and the command it makes. */
  const guardAction = <B extends z.ZodType>(path: string, summary: string, body: B, command: (body: z.output<B>) => GuardCommand) =>
    app.post(
      `/api/dispatch-orders/:id/${path}`,
      { preHandler: guardOnly, schema: { tags, security, summary, params: orderIdSchema, body, response: orderResponse } },
      async (req) => {
        const order = await deps.service.guardCommand(req.params.id, currentUser(req).id, command(req.body as z.output<B>));
        return { order: orderView(order) };
      },
    );
  guardAction('accept', 'Accept the order (optionally with an ETA in minutes)', acceptBodySchema, (b) => ({ kind: 'accept', etaMin: b.etaMin }));
  guardAction('decline', 'Decline the order: it goes to the next guard', declineBodySchema, (b) => ({ kind: 'decline', note: b.note }));
  guardAction('en-route', 'On the way (optionally with an ETA in minutes)', enRouteBodySchema, (b) => ({ kind: 'en_route', etaMin: b.etaMin }));
  guardAction('on-scene', 'Arrived at the premises', z.object({}).default({}), () => ({ kind: 'on_scene' }));
  guardAction('report', 'Report the finding on site (real, false, no_access): it goes to the verification engine', reportBodySchema, (b) => ({ kind: 'report', finding: b.finding, note: b.note }));

  app.put(
    '/api/guard/status',
    { preHandler: guardOnly, schema: { tags, security, summary: "The signed-in guard's status (off_duty, available, busy) and position", body: guardStatusBodySchema, response: { 200: z.object({ guard: guardViewSchema }) } } },
    async (req) => ({ guard: guardView(await deps.service.setGuardStatus(currentUser(req).id, { status: req.body.status, position: req.body.position })) }),
  );

  app.get(
    '/api/guards',
    { preHandler: readers, schema: { tags, security, summary: 'Every registered guard: status, area, position', response: { 200: z.object({ guards: z.array(guardViewSchema) }) } } },
    async () => {
      const rows = await deps.db.selectFrom('guard').selectAll().orderBy('name').orderBy('id').execute();
      return { guards: rows.map((r) => guardView(guardOf(r))) };
    },
  );

  app.post(
    '/api/guards',
    { preHandler: requireRole('supervisor', 'admin'), schema: { tags, security, summary: 'Register an existing user with role guard for dispatch', body: registerGuardBodySchema, response: { 201: z.object({ guard: guardViewSchema }) } } },
    async (req, reply) => {
      const guard = await deps.service.registerGuard(req.body, currentUser(req).id);
      return reply.code(201).send({ guard: guardView(guard) });
    },
  );

  app.get(
    '/api/dispatch-orders',
    { preHandler: readers, schema: { tags, security, summary: 'Dispatch orders, newest first', querystring: orderListQuerySchema, response: { 200: z.object({ orders: z.array(orderViewSchema) }) } } },
    async (req) => {
      const { incidentId, status, limit } = req.query;
      let query = deps.db.selectFrom('dispatch_order_state').select('dispatch_order_state.state');
      if (incidentId !== undefined) query = query.where('dispatch_order_state.incident_id', '=', incidentId);
      if (status === 'active') query = query.where('dispatch_order_state.status', 'in', ACTIVE_STATUSES);
      else if (status !== undefined) query = query.where('dispatch_order_state.status', '=', status);
      if (currentUser(req).role === 'police') {
        query = query.innerJoin('incident_queue', 'incident_queue.incident_id', 'dispatch_order_state.incident_id').where('incident_queue.forwarded_110', '=', true);
      }
      const rows = await query.orderBy('dispatch_order_state.order_id', 'desc').limit(limit).execute();
      return { orders: rows.map((r) => orderView(r.state as DispatchOrder)) };
    },
  );

  app.get(
    '/api/dispatch-orders/:id',
    { preHandler: readers, schema: { tags, security, summary: 'An order and its whole history', params: orderIdSchema, response: { 200: z.object({ order: orderViewSchema, events: z.array(eventViewSchema) }) } } },
    async (req) => {
      const loaded = await loadOrder(deps.db, req.params.id);
      if (!loaded) throw new DispatchError('ORDER_NOT_FOUND', `no dispatch order ${req.params.id}`);
      if (currentUser(req).role === 'police') {
        const forwarded = await deps.db.selectFrom('incident_queue').select('forwarded_110').where('incident_id', '=', loaded.order.incidentId).executeTakeFirst();
        if (!forwarded?.forwarded_110) throw new DispatchError('ORDER_NOT_FOUND', `no dispatch order ${req.params.id}`);
      }
      return { order: orderView(loaded.order), events: loaded.events.map(eventView) };
    },
  );

  app.post(
    '/api/dispatch-orders/:id/assign',
    { preHandler: requireRole('operator', 'supervisor'), schema: { tags, security, summary: 'Give the order to this guard (the current one loses it)', params: orderIdSchema, body: assignBodySchema, response: orderResponse } },
    async (req) => ({ order: orderView(await deps.service.assign(req.params.id, req.body.guardId, currentUser(req).id)) }),
  );

  app.post(
    '/api/dispatch-orders/:id/close',
    { preHandler: requireRole('operator', 'supervisor'), schema: { tags, security, summary: 'File the order: completed after the report, cancelled before it (the guard is freed)', params: orderIdSchema, body: closeBodySchema, response: orderResponse } },
    async (req) => ({ order: orderView(await deps.service.close(req.params.id, req.body.note, currentUser(req).id)) }),
  );

  app.put(
    '/api/customers/:id/contracted-arrival',
    {
      preHandler: requireRole('admin'),
      schema: { tags, security, summary: "A customer's contracted arrival (minutes from the dispatch request); null: none", params: customerIdSchema, body: contractedArrivalBodySchema, response: { 200: z.object({ customerId: z.string(), minutes: z.number().nullable() }) } },
    },
    async (req) => {
      const { id } = req.params;
      const { minutes } = req.body;
      const at = deps.now();
      await deps.db.transaction().execute(async (trx) => {
        const updated = await trx.updateTable('customer').set({ contracted_arrival_min: minutes, updated_at: at }).where('id', '=', id).executeTakeFirst();
        if (updated.numUpdatedRows === 0n) throw new DispatchError('CUSTOMER_NOT_FOUND', `no customer ${id}`);
        await appendAudit(trx, { actor: currentUser(req).id, action: 'customer.contracted_arrival', subjectType: 'customer', subjectId: id, detail: { minutes }, at });
      });
      await deps.onCustomersChanged?.().catch((err: unknown) => req.log.error({ err }, 'customer cards not reloaded after a contract change'));
      return { customerId: id, minutes };
    },
  );

  registerGuardLive(app, { db: deps.db, dispatchBus: deps.service.bus, incidentBus: deps.incidentBus, now: () => deps.now().getTime(), ...deps.live });
}
