import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/append-audit.js';
import { currentUser, requireRole } from '../auth/require-role.js';
import { ApiError } from '../console/api-error.js';
import type { Database } from '../store/database-schema.js';
import { ONLINE_RATE_WARNING, periodRate } from './period-rate.js';
import { accountParamsSchema, accountSettingsInputSchema, accountSettingsSchema, overviewQuerySchema, overviewSchema, rateQuerySchema, rateSchema } from './supervision-schemas.js';
import type { SupervisionService } from './supervision-service.js';
import { loadTimelines } from './supervision-store.js';

export interface SupervisionRouteDeps {
  db: Kysely<Database>;
  now: () => Date;
  /** Absent when this process does not run supervision: the live view answers 503. */
  supervision: Pick<SupervisionService, 'overview' | 'reload'> | undefined;
}

const READERS = ['supervisor', 'operator', 'admin'] as const;
const iso = (ms: number) => new Date(ms).toISOString();

/** The online rate, the late accounts and the receivers: `/api/supervision…`. */
export function registerSupervisionRoutes(scope: FastifyInstance, deps: SupervisionRouteDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const doc = (summary: string, description?: string) => ({ tags: ['supervision'], summary, ...(description ? { description } : {}), security: [{ bearer: [] }] });

  app.get(
    '/api/supervision',
    { preHandler: requireRole(...READERS), schema: { ...doc('The live online rate, the late accounts and the receivers'), querystring: overviewQuerySchema, response: { 200: overviewSchema } } },
    (req) => {
      if (!deps.supervision) return Promise.reject(new ApiError(503, 'SUPERVISION_NOT_RUNNING', 'supervision does not run in this process'));
      const o = deps.supervision.overview(req.query.limit);
      return Promise.resolve({
        ...o,
        at: iso(o.at),
        threshold: ONLINE_RATE_WARNING,
        lateAccounts: o.lateAccounts.map((l) => ({ ...l, lateSince: iso(l.lateSince), lastReportAt: l.lastReportAt === null ? null : iso(l.lastReportAt) })),
        receivers: o.receivers.map((r) => ({ ...r, since: r.since === null ? null : iso(r.since) })),
      });
    },
  );

  app.get(
    '/api/supervision/rate',
    { preHandler: requireRole(...READERS), schema: { ...doc('The time-weighted online rate over a period', 'from the recorded transitions'), querystring: rateQuerySchema, response: { 200: rateSchema } } },
    async (req) => {
      const now = deps.now().getTime();
      const from = Date.parse(req.query.from);
      const until = Math.min(req.query.until === undefined ? now : Date.parse(req.query.until), now);
      if (!(from < until)) throw new ApiError(400, 'BAD_PERIOD', 'the period must start before it ends, and before now');
      const r = periodRate(await loadTimelines(deps.db, from, until), from, until);
      return {
        from: iso(from),
        until: iso(until),
        rate: r.rate,
        warning: r.rate !== null && r.rate < ONLINE_RATE_WARNING,
        accounts: r.accounts,
        onlineAccountSeconds: r.onlineMs / 1000,
        lateAccountSeconds: r.lateMs / 1000,
      };
    },
  );

  app.put(
    '/api/supervision/accounts/:number',
    {
      preHandler: requireRole('admin'),
      schema: { ...doc("Set an account's own interval, grace and what counts as a report", "null interval: the customer's; null grace: the default"), params: accountParamsSchema, body: accountSettingsInputSchema, response: { 200: accountSettingsSchema } },
    },
    async (req) => {
      const { number } = req.params;
      const { intervalS, graceS, countsAs } = req.body;
      const at = deps.now();
      await deps.db.transaction().execute(async (trx) => {
        const account = await trx.selectFrom('account').select('number').where('number', '=', number).executeTakeFirst();
        if (!account) throw new ApiError(404, 'ACCOUNT_NOT_FOUND', `no account ${number}`);
        const row = { interval_s: intervalS, grace_s: graceS, counts_as: countsAs, updated_at: at };
        await trx.insertInto('account_supervision').values({ account: number, ...row }).onConflict((oc) => oc.column('account').doUpdateSet(row)).execute();
        await appendAudit(trx, { actor: currentUser(req).id, action: 'supervision.settings', subjectType: 'account', subjectId: number, detail: { intervalS, graceS, countsAs }, at });
      });
      // Committed: a failed reload is caught up by the periodic one.
      await deps.supervision?.reload().catch((err: unknown) => req.log.error({ err }, 'supervision did not reload after a settings change'));
      return { account: number, intervalS, graceS, countsAs };
    },
  );
}
