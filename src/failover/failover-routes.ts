import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/append-audit.js';
import { currentUser, requireRole } from '../auth/require-role.js';
import { ApiError } from '../console/api-error.js';
import type { Database } from '../store/database-schema.js';
import type { DatabaseKind } from '../store/database.js';
import { FailoverError } from './failover-error.js';
import { failoverStatusSchema, switchoverBodySchema, switchoverResultSchema } from './failover-schemas.js';
import { failoverStatus } from './failover-status.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { listNodes } from './lease-store.js';

export interface FailoverRouteDeps {
  db: Kysely<Database>;
  database: DatabaseKind;
  keeper: Pick<LeaseKeeper, 'status' | 'switchover' | 'ttlMs' | 'single'>;
  now: () => Date;
  /** Receptions in this node's local spool, not yet in the journal. */
  spoolDepth?: () => number;
  /** How long a switchover request waits for the target to lead before it answers 202. */
  switchoverWaitMs?: number;
}

const doc = (summary: string, description?: string) => ({ tags: ['failover'], summary, ...(description ? { description } : {}), security: [{ bearer: [] }] });

/** This node's place in primary/standby failover, and the supervisor's manual switchover. */
export function registerFailoverRoutes(scope: FastifyInstance, deps: FailoverRouteDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/failover',
    { preHandler: requireRole('operator', 'supervisor', 'admin'), schema: { ...doc('This node: leader or standby, the fencing term, the lease, the nodes'), response: { 200: failoverStatusSchema } } },
    async () => {
      const nodes = deps.keeper.single ? [] : await listNodes(deps.db, deps.keeper.ttlMs);
      return failoverStatus(deps.keeper.status(), { database: deps.database, spoolDepth: deps.spoolDepth?.() ?? 0, nodes });
    },
  );

  app.post(
    '/api/failover/switchover',
    {
      preHandler: requireRole('supervisor', 'admin'),
      schema: {
        ...doc('Hand leadership to a named node', 'The leader drains its consumers (their in-flight work commits) and hands the lease over under a new term. 409 SINGLE_NODE, UNKNOWN_NODE, NODE_NOT_ALIVE, ALREADY_LEADER or NO_LEADER.'),
        body: switchoverBodySchema,
        response: { 200: switchoverResultSchema, 202: switchoverResultSchema },
      },
    },
    async (req, reply) => {
      const { to } = req.body;
      const from = deps.keeper.status().holder;
      try {
        const result = await switchover(to);
        await appendAudit(deps.db, { actor: currentUser(req).id, action: 'failover.switchover', subjectType: 'node', subjectId: to, detail: { from, done: result.done, term: result.term }, at: deps.now() });
        return reply.code(result.done ? 200 : 202).send({ from, to, ...result });
      } catch (err) {
        if (err instanceof FailoverError) throw new ApiError(409, err.code, err.message);
        throw err;
      }
    },
  );

  const switchover = (to: string) => deps.keeper.switchover(to, deps.switchoverWaitMs === undefined ? {} : { timeoutMs: deps.switchoverWaitMs });
}
