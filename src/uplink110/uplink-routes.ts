import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { requireRole } from '../auth/require-role.js';
import { ApiError } from '../console/api-error.js';
import type { IncidentBus } from '../incidents/incident-bus.js';
import { appendActions, loadIncident, lockIncident } from '../incidents/incident-store.js';
import type { Database } from '../store/database-schema.js';
import { acceptSignedJson, requireSignature } from '../signing/signed-json.js';
import type { SigningKey } from '../signing/hmac-signature.js';
import { policeUpdateSchema, UPLINK_LINK } from './uplink-wire.js';

export interface UplinkRouteDeps {
  db: Kysely<Database>;
  /** The key 110 signs its updates with (the uplink's own); null when the uplink is off. */
  key: SigningKey | null;
  now: () => Date;
  /** Told of the police_update actions committed here (the console's live view). */
  bus?: Pick<IncidentBus, 'published'>;
}

/** The actor of what the police centre reports. */
export const POLICE_ACTOR = '110';

const tags = ['uplink110'];
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

const outboxQuerySchema = z.object({
  incidentId: z.string().regex(/^[1-9][0-9]{0,17}$/).optional(),
  status: z.enum(['pending', 'accepted', 'rejected', 'not_sent']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const outboxRowSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  revision: z.number(),
  kind: z.string(),
  status: z.string(),
  attempts: z.number(),
  createdAt: z.string(),
  acceptedAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  caseNumber: z.string().nullable(),
  rejectReason: z.string().nullable(),
  lastError: z.string().nullable(),
});

/**
 * The 110 link's HTTP face: the outbox for the centre's staff and the police liaison to read,
 * and the one route 110 writes to: its case updates, authenticated by the link's signature (no
 * session: 110 is a system, not a user). The police read the incidents themselves through the
 * incident API (role `police`: forwarded incidents only).
 */
export function registerUplinkRoutes(scope: FastifyInstance, deps: UplinkRouteDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/uplink110/outbox',
    {
      preHandler: requireRole('operator', 'supervisor', 'admin', 'police'),
      schema: { tags, security: [{ bearer: [] }], summary: 'Messages to 110, newest first, with their delivery status', querystring: outboxQuerySchema, response: { 200: z.object({ messages: z.array(outboxRowSchema) }) } },
    },
    async (req) => {
      const { incidentId, status, limit } = req.query;
      let query = deps.db.selectFrom('uplink_outbox').selectAll();
      if (incidentId !== undefined) query = query.where('incident_id', '=', incidentId);
      if (status !== undefined) query = query.where('status', '=', status);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return {
        messages: rows.map((r) => ({
          id: r.id,
          incidentId: r.incident_id,
          revision: r.revision,
          kind: r.kind,
          status: r.status,
          attempts: r.attempts,
          createdAt: r.created_at.toISOString(),
          acceptedAt: iso(r.accepted_at),
          nextAttemptAt: iso(r.next_attempt_at),
          escalatedAt: iso(r.escalated_at),
          caseNumber: r.case_number,
          rejectReason: r.reject_reason,
          lastError: r.last_error,
        })),
      };
    },
  );

  void scope.register((signedScope, _options, done) => {
    acceptSignedJson(signedScope);
    const key = deps.key;
    const secretFor = (keyId: string) => (key !== null && keyId === key.keyId ? key.secret : undefined);
    signedScope.withTypeProvider<ZodTypeProvider>().post(
      '/api/uplink110/police-updates',
      {
        preValidation: [
          async () => {
            if (key === null) throw new ApiError(503, 'UPLINK_OFF', 'the 110 uplink is not configured on this centre');
            return Promise.resolve();
          },
          requireSignature(secretFor, () => deps.now().getTime(), UPLINK_LINK),
        ],
        schema: {
          tags,
          summary: "110 reports on its case: dispatched, on scene, closed (signed by the link's key, no session)",
          body: policeUpdateSchema,
          response: { 201: z.object({ actionId: z.string() }), 200: z.object({ actionId: z.string().nullable(), duplicate: z.literal(true) }) },
        },
      },
      async (req, reply) => {
        const u = req.body;
        const at = deps.now().getTime();
        const result = await deps.db.transaction().execute(async (trx) => {
          const loaded = await lockIncident(trx, u.incidentId);
          if (loaded === undefined) throw new ApiError(404, 'INCIDENT_NOT_FOUND', `no incident ${u.incidentId}`);
          // The case must be the one 110 answered with; or 110's answer is not recorded yet (its
          // update can overtake the commit of its own acceptance).
          const sent = await trx.selectFrom('uplink_outbox').select(['status', 'case_number']).where('incident_id', '=', u.incidentId).execute();
          if (!sent.some((m) => m.case_number === u.caseNumber || m.status === 'pending')) {
            throw new ApiError(409, 'UPLINK_UNKNOWN_CASE', `incident ${u.incidentId} was not accepted by 110 under case ${u.caseNumber}`);
          }
          // 110 may send an update twice (its own retry): the same case and status is recorded once.
          // Locked above: the history read now is complete.
          const { actions } = (await loadIncident(trx, u.incidentId))!;
          const same = actions.find((a) => a.kind === 'police_update' && a.detail.caseNumber === u.caseNumber && a.detail.status === u.status);
          if (same) return { duplicate: true as const, actionId: same.id };
          const { state } = await appendActions(trx, loaded.state, loaded.state, [
            { kind: 'police_update', at, actor: POLICE_ACTOR, journalSeq: null, detail: { caseNumber: u.caseNumber, status: u.status, disposition: u.disposition } },
          ]);
          return { duplicate: false as const, actionId: state.lastActionId! };
        });
        if (result.duplicate) return reply.code(200).send({ actionId: result.actionId, duplicate: true });
        deps.bus?.published(result.actionId);
        return reply.code(201).send({ actionId: result.actionId });
      },
    );
    done();
  });
}
