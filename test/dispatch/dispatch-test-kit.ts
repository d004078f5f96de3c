import { Writable } from 'node:stream';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyPluginCallback } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql, type Transaction } from 'kysely';
import type { Test } from 'tap';
import { registerSessionAuth } from '../../src/auth/session-auth.js';
import { registerSessionRoutes } from '../../src/auth/session-routes.js';
import { registerApiErrorHandler } from '../../src/console/api-error.js';
import { findCustomerCard, findCustomerCards } from '../../src/customers/customer-lookup.js';
import { registerCustomerRoutes } from '../../src/customers/customer-routes.js';
import { registerDispatchRoutes } from '../../src/dispatch/dispatch-routes.js';
import { createDispatchService, type DispatchService, type GuardReport } from '../../src/dispatch/dispatch-service.js';
import { IncidentBus } from '../../src/incidents/incident-bus.js';
import { createIncidentConsumer } from '../../src/incidents/incident-consumer.js';
import { createIncidentMetrics } from '../../src/incidents/incident-metrics.js';
import { registerIncidentRoutes } from '../../src/incidents/incident-routes.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch } from '../../src/journal/journal-consumer.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { Database } from '../../src/store/database-schema.js';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import type { TestDatabase } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';
import { signIn } from '../helpers/sign-in.js';
import { bankBody } from '../customers/customer-test-kit.js';
import { cid } from '../incidents/incident-events.js';

export const T0 = Date.parse('2026-11-23T08:00:00Z');
export const MIN = 60_000;
export const silent = () => createLogger({ logLevel: 'silent', nodeId: 'test', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));

export type Who = { authorization: string; token: string; user: { id: string } };

/** Where the bank is (bankBody's position) and places around it. */
export const NEAR = { lat: 39.925, lng: 116.49 };
export const FAR = { lat: 39.99, lng: 116.3 };

/**
 * arc's HTTP face as http-server builds it, for the routes dispatch needs, with the dispatch
 * service wired as start-arc would wire it (the operator's dispatch command creates the order),
 * a clock the test moves, and an `onGuardReport` that records what the engine would hear.
 */
export interface DispatchWorld {
  store: Store;
  app: FastifyInstance;
  service: DispatchService;
  clock: { now: number };
  incidentBus: IncidentBus;
  reports: { report: GuardReport; sawOwnAction: boolean }[];
  /** Set to make the next onGuardReport throw (the engine failing). */
  hook: { fail: boolean };
  admin: Who;
  supervisor: Who;
  operator: Who;
  police: Who;
  /** A customer whose one account has a burglary zone 3; returns the account. */
  customer(number: string, overrides?: Record<string, unknown>): Promise<string>;
  /** A burglary alarm on the account through the journal and the incidents consumer; returns the incident id. */
  alarm(account: string): Promise<string>;
  /** A guard user, registered by the supervisor, then on duty (available) unless told otherwise. */
  guard(name: string, area: string | null, position: { lat: number; lng: number } | null, status?: 'available' | 'off_duty'): Promise<Who>;
  as: (who: Who) => { authorization: string };
}

export async function dispatchWorld(t: Test, database: TestDatabase): Promise<DispatchWorld> {
  const store = await database.open(t);
  await migrateToLatest(store.db);
  const db = store.db;
  const clock = { now: T0 };
  const now = () => new Date(clock.now);
  const incidentBus = new IncidentBus();
  const reports: DispatchWorld['reports'] = [];
  const hook = { fail: false };
  const onGuardReport = async (trx: Transaction<Database>, report: GuardReport) => {
    // Proof of the same transaction: the report's own incident action is visible here.
    const own = await trx.selectFrom('incident_action').select('id').where('incident_id', '=', report.incidentId).where('kind', '=', 'guard_reported').where(sql`detail->>'orderId'`, '=', report.orderId).executeTakeFirst();
    reports.push({ report, sawOwnAction: own !== undefined });
    if (hook.fail) {
      hook.fail = false;
      throw new Error('the verification engine failed');
    }
  };
  const service = createDispatchService({ db, now: () => clock.now, logger: silent(), policy: { acceptTimeoutMs: 120_000, predictedArrivalMs: 20 * MIN }, onGuardReport, incidentBus });
  t.teardown(() => service.stop());

  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerApiErrorHandler(app);
  await app.register(websocket);
  registerSessionAuth(app, { db, now });
  const routes = (register: (scope: FastifyInstance) => void): FastifyPluginCallback => (scope, _o, done) => {
    register(scope);
    done();
  };
  await app.register(routes((s) => registerSessionRoutes(s, { db, now, sessionTtlMs: 24 * 3600_000 })));
  await app.register(routes((s) => registerCustomerRoutes(s, { db, now, onAccountsChanged: () => Promise.resolve() })));
  const metrics = createIncidentMetrics(createMetrics());
  await app.register(routes((s) => registerIncidentRoutes(s, { db, now, findCustomerCard, bus: incidentBus, metrics, onDispatchRequested: service.onDispatchRequested })));
  await app.register(routes((s) => registerDispatchRoutes(s, { db, service, now, incidentBus, live: { pollMs: 60_000 } })));
  t.teardown(() => app.close());

  const [admin, supervisor, operator, police] = await Promise.all(['admin', 'supervisor', 'operator', 'police'].map((r) => signIn(app, db, r as 'admin')));
  const as = (who: Who) => ({ authorization: who.authorization });

  const journal = new GroupCommitJournal(db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus: new JournalBus() });
  const consumer = createIncidentConsumer(db, { findCustomerCards, bus: incidentBus, now: () => clock.now });
  let n = 0;
  let guards = 0;
  return {
    store,
    app,
    service,
    clock,
    incidentBus,
    reports,
    hook,
    admin: admin!,
    supervisor: supervisor!,
    operator: operator!,
    police: police!,
    as,
    async customer(number, overrides = {}) {
      const body = bankBody({
        name: `customer ${number}`,
        accounts: [{ number }],
        zones: [{ account: number, number: 3, name: 'vault door', location: 'vault', type: 'burglary', principle: 'contact' }],
        panelUsers: [],
        ...overrides,
      });
      const res = await app.inject({ method: 'POST', url: '/api/customers', headers: as(admin!), payload: body });
      if (res.statusCode !== 201) throw new Error(`customer ${number}: ${res.statusCode} ${res.body}`);
      return number;
    },
    async alarm(account) {
      await journal.append(signalReception({ account, events: [cid('130', '1', 3, account)], receivedAt: clock.now, dedupKey: `k${++n}` }));
      while ((await consumeBatch(db, consumer)) > 0);
      const row = await db.selectFrom('incident_queue').select('incident_id').where('account', '=', account).where('status', '=', 'open').executeTakeFirstOrThrow();
      return row.incident_id;
    },
    async guard(name, area, position, status = 'available') {
      const who = await signIn(app, db, 'guard', `${name}-${++guards}`);
      const reg = await app.inject({ method: 'POST', url: '/api/guards', headers: as(supervisor!), payload: { userId: who.user.id, area, position } });
      if (reg.statusCode !== 201) throw new Error(`register ${name}: ${reg.statusCode} ${reg.body}`);
      if (status === 'available') {
        const on = await app.inject({ method: 'PUT', url: '/api/guard/status', headers: as(who), payload: { status } });
        if (on.statusCode !== 200) throw new Error(`on duty ${name}: ${on.statusCode} ${on.body}`);
      }
      return who;
    },
  };
}
