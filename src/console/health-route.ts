import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { Store } from '../store/database.js';

export interface HealthResponse {
  status: 'ok' | 'unavailable';
  node: string;
  database: Store['kind'];
  reason?: string;
}

/**
 * `GET /healthz`: 200 only when the database answers `select 1` within `timeoutMs`. A load
 * balancer or a supervisor must not send work to a node that cannot store signals, and a
 * database that hangs is as bad as one that refuses.
 */
export function registerHealthRoute(app: FastifyInstance, { config, store, timeoutMs }: { config: Pick<Config, 'nodeId'>; store: Pick<Store, 'db' | 'kind'>; timeoutMs: number }): void {
  // Probes come every few seconds: a healthy answer is not worth a log line.
  app.get('/healthz', { logLevel: 'warn' }, async (req, reply) => {
    const problem = await databaseProblem(store, timeoutMs);
    const body: HealthResponse = { status: problem ? 'unavailable' : 'ok', node: config.nodeId, database: store.kind };
    if (!problem) return body;
    req.log.warn({ reason: problem }, 'unhealthy: the database does not answer');
    return reply.code(503).send({ ...body, reason: problem });
  });
}

/** Undefined when the database answers in time, else why not. */
async function databaseProblem(store: Pick<Store, 'db'>, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const query = sql`select 1`.execute(store.db).then(
    () => undefined,
    (err: unknown) => `database: ${err instanceof Error ? err.message : String(err)}`,
  );
  const late = new Promise<string>((done) => {
    timer = setTimeout(() => done(`database: no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([query, late]);
  } finally {
    clearTimeout(timer);
  }
}
