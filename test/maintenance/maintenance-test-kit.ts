import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyPluginCallback } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import type { Test } from 'tap';
import { registerSessionAuth } from '../../src/auth/session-auth.js';
import { registerSessionRoutes } from '../../src/auth/session-routes.js';
import { registerComplaintRoutes } from '../../src/complaints/complaint-routes.js';
import { registerApiErrorHandler } from '../../src/console/api-error.js';
import { createMaintenanceService } from '../../src/maintenance/maintenance-service.js';
import { registerMaintenanceRoutes } from '../../src/maintenance/maintenance-routes.js';
import { DEFAULT_TICKET_POLICY } from '../../src/maintenance/ticket-policy.js';
import { createLogger } from '../../src/observability/logger.js';
import { saveAccount } from '../../src/receivers/account-store.js';
import type { Database } from '../../src/store/database-schema.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import type { TestDatabase } from '../helpers/databases.js';
import { signIn } from '../helpers/sign-in.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);

export const silent = () => createLogger({ logLevel: 'silent', nodeId: 't', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));

/** A customer in service with its accounts; returns the customer's id. */
export async function customer(db: Kysely<Database>, name: string, accounts: string[]): Promise<string> {
  const at = new Date(T0);
  const { id } = await db
    .insertInto('customer')
    .values({ name, address: '北京市朝阳区', contract_type: 'lease', service_status: 'in_service', reporting_interval_s: 60, video_links: '[]', created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const number of accounts) {
    await saveAccount(db, { number, aesKey: null, encryptedOnly: false });
    await db.updateTable('account').set({ customer_id: id }).where('number', '=', number).execute();
  }
  return id;
}

/**
 * One database, migrated; the maintenance service on a clock the test moves (its timer never
 * fires by itself: the test ticks); an HTTP server with sessions, the maintenance and the
 * complaint routes, as http-server wires them. Sessions run on the real clock, so that moving
 * the test's clock by days does not sign anyone out.
 */
export async function maintenanceWorld(t: Test, database: TestDatabase) {
  const store = await database.open(t);
  await migrateToLatest(store.db);
  const db = store.db;
  const clock = { now: T0 };
  const metrics = new Registry();
  const service = createMaintenanceService({ db, now: () => clock.now, logger: silent(), policy: DEFAULT_TICKET_POLICY, metrics, tickMs: 24 * HOUR });
  t.teardown(() => service.stop());

  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerApiErrorHandler(app);
  registerSessionAuth(app, { db, now: () => new Date() });
  const routes = (register: (scope: FastifyInstance) => void): FastifyPluginCallback => (scope, _o, done) => {
    register(scope);
    done();
  };
  const now = () => new Date(clock.now);
  await app.register(routes((s) => registerSessionRoutes(s, { db, now: () => new Date(), sessionTtlMs: 24 * HOUR })));
  await app.register(routes((s) => registerMaintenanceRoutes(s, { db, service, now })));
  await app.register(routes((s) => registerComplaintRoutes(s, { db, now })));
  t.teardown(() => app.close());

  const [admin, supervisor, operator, police, guard] = await Promise.all([signIn(app, db, 'admin'), signIn(app, db, 'supervisor'), signIn(app, db, 'operator'), signIn(app, db, 'police'), signIn(app, db, 'guard')]);
  return { store, db, clock, metrics, service, app, admin, supervisor, operator, police, guard };
}

export type MaintenanceWorld = Awaited<ReturnType<typeof maintenanceWorld>>;

/** The value of one series of a gauge, read as a scrape would. */
export async function gauge(metrics: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = metrics.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}
