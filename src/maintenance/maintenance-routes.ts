import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { currentUser, requireRole } from '../auth/require-role.js';
import type { Database } from '../store/database-schema.js';
import type { TicketCommand } from './decide-ticket.js';
import { MaintenanceError } from './maintenance-error.js';
import {
  archiveSchema,
  customerAcceptedSchema,
  levelSchema,
  onSiteSchema,
  openTicketSchema,
  repairedSchema,
  ticketEventView,
  ticketEventViewSchema,
  ticketIdSchema,
  ticketListQuerySchema,
  ticketView,
  ticketViewSchema,
} from './maintenance-schemas.js';
import type { MaintenanceService } from './maintenance-service.js';
import { loadTicket } from './ticket-store.js';
import { OPEN_STATUSES, type Ticket } from './ticket.js';

export interface MaintenanceRouteDeps {
  db: Kysely<Database>;
  service: Pick<MaintenanceService, 'openByHand' | 'step'>;
  now: () => Date;
}

const security = [{ bearer: [] }];
const tags = ['maintenance'];
const STAFF = ['operator', 'supervisor', 'admin'] as const;
const ticketAnswer = z.object({ ticket: ticketViewSchema, events: z.array(ticketEventViewSchema) });

/**
 * Maintenance tickets (维保工单): `/api/maintenance/tickets…`. Operators, supervisors and admins
 * read them and take the steps; operators and supervisors open one by hand; a new level is a
 * supervisor's or an admin's call. Police and guards have no access: not a police matter.
 */
export function registerMaintenanceRoutes(scope: FastifyInstance, deps: MaintenanceRouteDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const doc = (summary: string) => ({ tags, security, summary });

  app.get(
    '/api/maintenance/tickets',
    { preHandler: requireRole(...STAFF), schema: { ...doc('Tickets, most urgent level first, then oldest'), querystring: ticketListQuerySchema, response: { 200: z.object({ tickets: z.array(ticketViewSchema) }) } } },
    async (req) => {
      const { status, overdue, account, level, limit } = req.query;
      const now = deps.now();
      let query = deps.db.selectFrom('maintenance_ticket_state').select('state');
      if (status === 'open') query = query.where('status', 'in', OPEN_STATUSES);
      else if (status === 'active') query = query.where('status', '!=', 'archived');
      else if (status !== 'all') query = query.where('status', '=', status);
      if (account !== undefined) query = query.where('account', '=', account);
      if (level !== undefined) query = query.where('level', '=', level);
      if (overdue !== undefined) {
        query = query.where((eb) => {
          const late = eb.or([
            eb('response_overdue', '=', true),
            eb('repair_overdue', '=', true),
            eb.and([eb('status', '=', 'received'), eb('response_due_at', '<', now)]),
            eb.and([eb('status', 'in', OPEN_STATUSES), eb('repair_due_at', '<', now)]),
          ]);
          return overdue === 'true' ? late : eb.not(late);
        });
      }
      const rows = await query.orderBy('level_rank').orderBy('opened_at').orderBy('ticket_id').limit(limit).execute();
      return { tickets: rows.map((r) => ticketView(r.state as Ticket, now.getTime())) };
    },
  );

  app.get(
    '/api/maintenance/tickets/:id',
    { preHandler: requireRole(...STAFF), schema: { ...doc('A ticket with its whole history: who did what, when'), params: ticketIdSchema, response: { 200: ticketAnswer } } },
    async (req) => {
      const loaded = await loadTicket(deps.db, req.params.id);
      if (!loaded) throw new MaintenanceError('TICKET_NOT_FOUND', `no maintenance ticket ${req.params.id}`);
      return { ticket: ticketView(loaded.ticket, deps.now().getTime()), events: loaded.events.map(ticketEventView) };
    },
  );

  app.post(
    '/api/maintenance/tickets',
    { preHandler: requireRole('operator', 'supervisor'), schema: { ...doc('Open a ticket by hand (never merged with another)'), body: openTicketSchema, response: { 201: ticketAnswer } } },
    async (req, reply) => {
      const { ticket, stored } = await deps.service.openByHand({ ...req.body, actor: currentUser(req).id });
      return reply.code(201).send({ ticket: ticketView(ticket, deps.now().getTime()), events: stored.map(ticketEventView) });
    },
  );

  const step = <S extends z.ZodType>(path: string, summary: string, body: S, command: (input: z.infer<S>, actor: string) => Exclude<TicketCommand, { kind: 'tick' }>, roles: readonly ('operator' | 'supervisor' | 'admin')[] = STAFF) =>
    app.post(
      `/api/maintenance/tickets/:id/${path}`,
      { preHandler: requireRole(...roles), schema: { ...doc(summary), params: ticketIdSchema, body, response: { 201: ticketAnswer } } },
      async (req, reply) => {
        const { ticket, stored } = await deps.service.step(req.params.id, command(req.body as z.infer<S>, currentUser(req).id));
        return reply.code(201).send({ ticket: ticketView(ticket, deps.now().getTime()), events: stored.map(ticketEventView) });
      },
    );

  step('on-site', 'Someone is on site (the response)', onSiteSchema, (b, actor) => ({ kind: 'on_site', actor, note: b.note }));
  step('repaired', 'Repaired: the parts replaced and the cost, if any', repairedSchema, (b, actor) => ({ kind: 'repaired', actor, parts: b.parts, costCny: b.costCny, note: b.note }));
  step('customer-accepted', 'The customer accepted the repair', customerAcceptedSchema, (b, actor) => ({ kind: 'customer_accepted', actor, acceptedBy: b.acceptedBy, note: b.note }));
  step('archive', 'File the accepted ticket', archiveSchema, (b, actor) => ({ kind: 'archive', actor, note: b.note }));
  step('level', 'A new level: the deadlines are counted again from the opening', levelSchema, (b, actor) => ({ kind: 'reclassify', actor, level: b.level, reason: b.reason }), ['supervisor', 'admin']);
}
