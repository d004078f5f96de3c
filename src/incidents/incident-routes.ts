import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../audit/append-audit.js';
import { currentUser, requireRole } from '../auth/require-role.js';
import type { SessionUser } from '../auth/roles.js';
import { ApiError } from '../console/api-error.js';
import type { Database } from '../store/database-schema.js';
import { decide } from './decide.js';
import type { IncidentBus } from './incident-bus.js';
import { REFUSALS, type Refusal } from './incident-command.js';
import type { FindCustomerCard } from './incident-consumer.js';
import type { IncidentMetrics } from './incident-metrics.js';
import { actionViewSchema, actionView, commandSchema, feedQuerySchema, incidentIdSchema, incidentView, incidentViewSchema, queueQuerySchema } from './incident-schemas.js';
import { appendActions, incidentAction, loadIncident, lockIncident } from './incident-store.js';
import type { IncidentState } from './incident-state.js';
import type { IncidentAction } from './incident-action.js';

export interface IncidentRouteDeps {
  db: Kysely<Database>;
  findCustomerCard: FindCustomerCard;
  bus: IncidentBus;
  metrics: IncidentMetrics;
  now: () => Date;
  /**
   * Called in the transaction that appends an operator's `forward_110_requested`, after it: the
   * 110 uplink enqueues its report there, so it is sent if and only if the forward commits.
   */
  onForwardRequested?: OnForwardRequested;
  /**
   * Called in the transaction that appends an operator's `dispatch_requested`, after it:
   * dispatch (src/dispatch) creates the order there and appends its own actions, returned here.
   */
  onDispatchRequested?: OnDispatchRequested;
  /**
   * Called last in the transaction of every operator command that appended actions (the
   * verification engine: a verdict, a callback, a close); what it returns runs after the commit.
   */
  onOperatorActions?: (trx: Transaction<Database>, state: IncidentState, stored: IncidentAction[]) => Promise<() => void>;
}

/** What became of a dispatch request: `created` false when the incident already has an order at work. */
export interface DispatchOutcome {
  orderId: string | null;
  created: boolean;
  message: string;
}

export type OnDispatchRequested = (
  trx: Transaction<Database>,
  request: { action: Extract<IncidentAction, { kind: 'dispatch_requested' }>; incident: IncidentState },
) => Promise<{ stored: IncidentAction[]; state: IncidentState | undefined; dispatch: DispatchOutcome }>;

export type OnForwardRequested = (trx: Transaction<Database>, state: IncidentState, action: Extract<IncidentAction, { kind: 'forward_110_requested' }>) => Promise<void>;

/** How many of the account's latest journal entries the incident page shows. */
const HISTORY_LENGTH = 50;

const security = [{ bearer: [] }];
const tags = ['incidents'];

/**
 * The alarm queue and the console's actions on incidents. Operators and supervisors act; admins
 * read; police read only incidents forwarded to 110 and never write; guards have their own API.
 */
export function registerIncidentRoutes(scope: FastifyInstance, deps: IncidentRouteDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const readers = requireRole('operator', 'supervisor', 'admin', 'police');
  const policeSees = (user: SessionUser, state: Pick<IncidentState, 'forwardedTo110'>) => user.role !== 'police' || state.forwardedTo110;

  app.get(
    '/api/incidents',
    {
      preHandler: readers,
      schema: {
        tags,
        security,
        summary: 'The alarm queue: open incidents, most urgent first, then oldest first',
        querystring: queueQuerySchema,
        response: { 200: z.object({ incidents: z.array(incidentViewSchema) }) },
      },
    },
    async (req) => {
      const { state, limit } = req.query;
      let query = deps.db.selectFrom('incident_queue').select('state');
      if (state !== 'all') query = query.where('status', '=', state);
      if (currentUser(req).role === 'police') query = query.where('forwarded_110', '=', true);
      const rows = await query.orderBy('status', 'desc').orderBy('priority_rank').orderBy('opened_at').orderBy('incident_id').limit(limit).execute();
      return { incidents: rows.map((r) => incidentView(r.state as IncidentState)) };
    },
  );

  app.get(
    '/api/incidents/feed',
    {
      preHandler: readers,
      schema: {
        tags,
        security,
        summary: "Incident actions after `since`, in order: the console's catch-up (resume from `last`)",
        querystring: feedQuerySchema,
        response: { 200: z.object({ actions: z.array(actionViewSchema), last: z.string() }) },
      },
    },
    async (req) => {
      const { since, limit } = req.query;
      let query = deps.db.selectFrom('incident_action').selectAll('incident_action').where('incident_action.id', '>', since);
      if (currentUser(req).role === 'police') {
        query = query.innerJoin('incident_queue', 'incident_queue.incident_id', 'incident_action.incident_id').where('incident_queue.forwarded_110', '=', true);
      }
      const rows = await query.orderBy('incident_action.id').limit(limit).execute();
      const actions = rows.map((r) => actionView(incidentAction(r)));
      return { actions, last: actions.at(-1)?.id ?? since };
    },
  );

  app.get(
    '/api/incidents/:id',
    {
      preHandler: readers,
      schema: {
        tags,
        security,
        summary: "An incident: its state, every action, the customer card, the account's latest signals",
        params: incidentIdSchema,
        response: {
          200: z.object({
            incident: incidentViewSchema,
            actions: z.array(actionViewSchema),
            customer: z.record(z.string(), z.unknown()).nullable(),
            history: z.array(z.object({ seq: z.string(), receivedAt: z.string(), receiver: z.string(), outcome: z.string(), events: z.array(z.unknown()) })),
          }),
        },
      },
    },
    async (req) => {
      const loaded = await loadIncident(deps.db, req.params.id);
      if (loaded === undefined || !policeSees(currentUser(req), loaded.state)) throw notFound(req.params.id);
      const { account } = loaded.state;
      const [card, history] = await Promise.all([
        deps.findCustomerCard(deps.db, account),
        deps.db.selectFrom('journal').select(['seq', 'received_at', 'receiver', 'outcome', 'events']).where('account', '=', account).orderBy('seq', 'desc').limit(HISTORY_LENGTH).execute(),
      ]);
      return {
        incident: incidentView(loaded.state),
        actions: loaded.actions.map(actionView),
        customer: card === undefined ? null : { ...card },
        history: history.map((h) => ({ seq: h.seq, receivedAt: h.received_at.toISOString(), receiver: h.receiver, outcome: h.outcome, events: h.events })),
      };
    },
  );

  app.post(
    '/api/incidents/:id/actions',
    {
      preHandler: requireRole('operator', 'supervisor'),
      schema: {
        tags,
        security,
        summary: 'Act on an incident: take, acknowledge, record a callback, dispatch a guard, judge, forward to 110, close',
        params: incidentIdSchema,
        body: commandSchema,
        response: {
          201: z.object({
            incident: incidentViewSchema,
            actions: z.array(actionViewSchema),
            dispatch: z.object({ orderId: z.string().nullable(), created: z.boolean(), message: z.string() }).optional(),
          }),
        },
      },
    },
    async (req, reply) => {
      const user = currentUser(req);
      const command = req.body;
      const now = deps.now();
      let verified: (() => void) | undefined;
      const result = await deps.db.transaction().execute(async (trx) => {
        const loaded = await lockIncident(trx, req.params.id);
        if (loaded === undefined) return undefined;
        const decision = decide(loaded.state, command, { id: user.id, role: user.role }, now.getTime());
        if (!decision.ok) {
          // A refusal is an action too, as far as the audit goes: who tried what, and why not.
          await appendAudit(trx, { actor: user.id, action: 'incident.refused', subjectType: 'incident', subjectId: loaded.state.id, detail: { command: command.kind, code: decision.code }, at: now });
          return { refused: { code: decision.code, message: decision.message } satisfies Refusal };
        }
        let appended: { state: IncidentState; stored: IncidentAction[]; dispatch?: DispatchOutcome } = await appendActions(trx, loaded.state, loaded.state, decision.actions);
        for (const a of appended.stored.filter((s) => s.kind === 'dispatch_requested')) {
          if (!deps.onDispatchRequested) break;
          const more = await deps.onDispatchRequested(trx, { action: a, incident: appended.state });
          appended = { state: more.state ?? appended.state, stored: [...appended.stored, ...more.stored], dispatch: more.dispatch };
        }
        for (const a of appended.stored) if (a.kind === 'forward_110_requested') await deps.onForwardRequested?.(trx, appended.state, a);
        // The verification engine hears the operator's verdict, callback or close in the same transaction.
        verified = await deps.onOperatorActions?.(trx, appended.state, appended.stored);
        return appended;
      });
      if (result === undefined) throw notFound(req.params.id);
      if ('refused' in result) throw new ApiError(REFUSALS[result.refused.code].status, result.refused.code, result.refused.message);
      deps.bus.published(result.state.lastActionId!);
      verified?.();
      for (const a of result.stored) {
        if (a.kind === 'acknowledged') deps.metrics.ackSeconds.observe({ event_class: a.detail.eventClass, priority: a.detail.priority }, (a.at - a.detail.receivedAt) / 1000);
      }
      return reply.code(201).send({ incident: incidentView(result.state), actions: result.stored.map(actionView), ...(result.dispatch ? { dispatch: result.dispatch } : {}) });
    },
  );
}

function notFound(id: string): ApiError {
  return new ApiError(404, 'INCIDENT_NOT_FOUND', `no incident ${id}`);
}
