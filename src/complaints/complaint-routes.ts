import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { appendAudits } from '../audit/append-audit.js';
import { currentUser, requireRole } from '../auth/require-role.js';
import type { Database } from '../store/database-schema.js';
import type { Complaint, ComplaintEvent } from './complaint.js';
import { ComplaintError } from './complaint-error.js';
import { complaintEventView, complaintEventViewSchema, complaintIdSchema, complaintListQuerySchema, complaintView, complaintViewSchema, handleSchema, newComplaintSchema, replySchema } from './complaint-schemas.js';
import { appendComplaintEvents, insertComplaint, loadComplaint, lockComplaint } from './complaint-store.js';
import { decideComplaint, type ComplaintCommand } from './decide-complaint.js';

export interface ComplaintRouteDeps {
  db: Kysely<Database>;
  now: () => Date;
}

const security = [{ bearer: [] }];
const tags = ['complaints'];
const STAFF = ['operator', 'supervisor', 'admin'] as const;
const answer = z.object({ complaint: complaintViewSchema, events: z.array(complaintEventViewSchema) });

/**
 * The complaint register (用户投诉): `/api/complaints…`. Operators, supervisors and admins take a
 * complaint, note its handling and give the reply, which closes it. Not a police matter.
 */
export function registerComplaintRoutes(scope: FastifyInstance, deps: ComplaintRouteDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const doc = (summary: string) => ({ tags, security, summary });
  const audit = (trx: Parameters<typeof appendAudits>[0], complaint: Complaint, stored: readonly ComplaintEvent[]) =>
    appendAudits(
      trx,
      stored.map((e) => ({ actor: e.actor, action: `complaint.${e.kind}`, subjectType: 'complaint', subjectId: complaint.id, detail: { eventId: e.id, ...e.detail }, at: new Date(e.at) })),
    );
  const view = (complaint: Complaint, events: readonly ComplaintEvent[]) => ({ complaint: complaintView(complaint, deps.now().getTime()), events: events.map(complaintEventView) });

  app.post(
    '/api/complaints',
    { preHandler: requireRole(...STAFF), schema: { ...doc('Register a complaint: who, when, what, and what was promised (the signed-in user received it)'), body: newComplaintSchema, response: { 201: answer } } },
    async (req, reply) => {
      const b = req.body;
      const now = deps.now().getTime();
      const complainedAt = b.complainedAt === undefined ? now : Math.min(Date.parse(b.complainedAt), now);
      const { complaint, stored } = await deps.db.transaction().execute(async (trx) => {
        if (b.customerId !== null) {
          const customer = await trx.selectFrom('customer').select('id').where('id', '=', b.customerId).executeTakeFirst();
          if (!customer) throw new ComplaintError('CUSTOMER_NOT_FOUND', `no customer ${b.customerId}`);
        }
        const header = { complainant: { customerId: b.customerId, name: b.name, phone: b.phone }, complainedAt, content: b.content, receivedBy: currentUser(req).id, promised: b.promised, recordedAt: now };
        const inserted = await insertComplaint(trx, header, now);
        await audit(trx, inserted.complaint, inserted.stored);
        return inserted;
      });
      return reply.code(201).send(view(complaint, stored));
    },
  );

  app.get(
    '/api/complaints',
    { preHandler: requireRole(...STAFF), schema: { ...doc('The register, oldest complaint first'), querystring: complaintListQuerySchema, response: { 200: z.object({ complaints: z.array(complaintViewSchema) }) } } },
    async (req) => {
      const { status, overdue, customerId, limit } = req.query;
      const now = deps.now();
      let query = deps.db.selectFrom('complaint_state').select('state');
      if (status !== 'all') query = query.where('status', '=', status);
      if (customerId !== undefined) query = query.where('customer_id', '=', customerId);
      if (overdue !== undefined) {
        query = query.where((eb) => {
          const late = eb.or([eb('overdue', '=', true), eb.and([eb('status', '=', 'open'), eb('reply_due_at', '<', now)])]);
          return overdue === 'true' ? late : eb.not(late);
        });
      }
      const rows = await query.orderBy('complained_at').orderBy('complaint_id').limit(limit).execute();
      return { complaints: rows.map((r) => complaintView(r.state as Complaint, now.getTime())) };
    },
  );

  app.get(
    '/api/complaints/:id',
    { preHandler: requireRole(...STAFF), schema: { ...doc('A complaint with its whole history'), params: complaintIdSchema, response: { 200: answer } } },
    async (req) => {
      const loaded = await loadComplaint(deps.db, req.params.id);
      if (!loaded) throw new ComplaintError('COMPLAINT_NOT_FOUND', `no complaint ${req.params.id}`);
      return view(loaded.complaint, loaded.events);
    },
  );

  const act = async (id: string, command: ComplaintCommand) => {
    const now = deps.now();
    return deps.db.transaction().execute(async (trx) => {
      const loaded = await lockComplaint(trx, id);
      if (!loaded) throw new ComplaintError('COMPLAINT_NOT_FOUND', `no complaint ${id}`);
      const decision = decideComplaint(loaded.complaint, command, now.getTime());
      if (!decision.ok) throw new ComplaintError(decision.code, decision.message);
      const appended = await appendComplaintEvents(trx, loaded.complaint, decision.events);
      await audit(trx, appended.complaint, appended.stored);
      return appended;
    });
  };

  app.post(
    '/api/complaints/:id/handle',
    { preHandler: requireRole(...STAFF), schema: { ...doc('Note what was done about it'), params: complaintIdSchema, body: handleSchema, response: { 201: answer } } },
    async (req, reply) => {
      const { complaint, stored } = await act(req.params.id, { kind: 'handle', actor: currentUser(req).id, note: req.body.note });
      return reply.code(201).send(view(complaint, stored));
    },
  );

  app.post(
    '/api/complaints/:id/reply',
    { preHandler: requireRole(...STAFF), schema: { ...doc('The reply given to the complainant: closes the complaint'), params: complaintIdSchema, body: replySchema, response: { 201: answer } } },
    async (req, reply) => {
      const { complaint, stored } = await act(req.params.id, { kind: 'reply', actor: currentUser(req).id, reply: req.body.reply });
      return reply.code(201).send(view(complaint, stored));
    },
  );
}
