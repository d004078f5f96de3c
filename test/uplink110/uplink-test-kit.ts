import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Test } from 'tap';
import { registerSessionAuth } from '../../src/auth/session-auth.js';
import { registerApiErrorHandler } from '../../src/console/api-error.js';
import { buildHttpServer } from '../../src/console/http-server.js';
import { findCustomerCard, findCustomerCards } from '../../src/customers/customer-lookup.js';
import { IncidentBus } from '../../src/incidents/incident-bus.js';
import { createIncidentConsumer } from '../../src/incidents/incident-consumer.js';
import { createIncidentMetrics } from '../../src/incidents/incident-metrics.js';
import { registerIncidentRoutes } from '../../src/incidents/incident-routes.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch } from '../../src/journal/journal-consumer.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { createForwardHook } from '../../src/uplink110/forward-hook.js';
import { startSim110, type Sim110 } from '../../src/uplink110/sim-110/index.js';
import { createUplinkMetrics } from '../../src/uplink110/uplink-metrics.js';
import { registerUplinkRoutes } from '../../src/uplink110/uplink-routes.js';
import { startUplinkDelivery, type UplinkDeliveryDeps } from '../../src/uplink110/uplink-delivery.js';
import type { TestDatabase } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';
import { signIn } from '../helpers/sign-in.js';
import { bankBody } from '../customers/customer-test-kit.js';
import { cid } from '../incidents/incident-events.js';

export const KEY = { keyId: 'arc-test', secret: 'a test secret of the 110 link' };

/**
 * The centre and a simulated 110 on real sockets: arc's incident and uplink routes (as start-arc
 * would wire them, the forward hook included) on port 0, the sim on port 0 reporting back to
 * it, one clock both read (epoch ms, moved by the test), and every log line kept.
 */
export async function uplinkWorld(t: Test, database: TestDatabase) {
  const store: Store = await database.open(t);
  await migrateToLatest(store.db);
  let clock = Date.now();
  const clockNow = () => clock;
  const logs: string[] = [];
  const logger = createLogger({ logLevel: 'trace', nodeId: 'test', nodeEnv: 'test' }, new Writable({ write: (c: Buffer, _e, done) => (logs.push(c.toString()), done()) }));
  const metrics = createMetrics();

  // Customers and sign-ins through the console's server; its sessions hold on the arc app too.
  const main = buildHttpServer({ config: { nodeId: 'a' }, store, metrics: createMetrics(), logger, now: () => new Date(clock) });
  t.teardown(() => main.close());
  const admin = await signIn(main, store.db, 'admin');
  const created = await main.inject({ method: 'POST', url: '/api/customers', headers: { authorization: admin.authorization }, payload: bankBody() });
  if (created.statusCode !== 201) throw new Error(`customer: ${created.body}`);

  const bus = new IncidentBus();
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerApiErrorHandler(app);
  registerSessionAuth(app, { db: store.db, now: () => new Date(clock) });
  void app.register((scope, _o, done) => {
    registerIncidentRoutes(scope, { db: store.db, findCustomerCard, bus, metrics: createIncidentMetrics(metrics), now: () => new Date(clock), onForwardRequested: createForwardHook() });
    done();
  });
  void app.register((scope, _o, done) => {
    registerUplinkRoutes(scope, { db: store.db, key: KEY, now: () => new Date(clock), bus });
    done();
  });
  const arcUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => app.close());

  const sims: Sim110[] = [];
  const sim = await startSim110({ port: 0, host: '127.0.0.1', ...KEY, arcUrl, now: clockNow });
  sims.push(sim);
  t.teardown(() => Promise.all(sims.map((s) => s.stop())));

  const uplinkMetrics = createUplinkMetrics(metrics);
  const deliveries: { stop(): Promise<void> }[] = [];
  t.teardown(() => Promise.all(deliveries.map((d) => d.stop())));
  const startDelivery = (overrides: Partial<UplinkDeliveryDeps> = {}) => {
    const d = startUplinkDelivery({
      db: store.db,
      target: { url: `${sim.url}/api/incidents`, ...KEY },
      now: clockNow,
      logger,
      metrics: uplinkMetrics,
      retry: { initialMs: 1000, maxMs: 4000 },
      acceptTimeoutMs: 30_000,
      // Long: only kicks and the due times wake it, so a test sees every pass it causes.
      pollMs: 600_000,
      onCommitted: (id) => bus.published(id),
      ...overrides,
    });
    deliveries.push(d);
    return d;
  };

  const journal = new GroupCommitJournal(store.db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus: new JournalBus() });
  const consumer = createIncidentConsumer(store.db, { findCustomerCards, bus, now: () => clock });
  let n = 0;
  /** An alarm on `account` (a bare account is added): resolves to the id of its open incident. */
  const alarm = async (account: string, zone = 3): Promise<string> => {
    await store.db.insertInto('account').values({ number: account, aes_key: null }).onConflict((oc) => oc.column('number').doNothing()).execute();
    await journal.append(signalReception({ account, events: [cid('130', '1', zone, account)], receivedAt: clock, dedupKey: `k${++n}` }));
    while ((await consumeBatch(store.db, consumer)) > 0);
    const row = await store.db.selectFrom('incident_queue').select('incident_id').where('account', '=', account).where('status', '=', 'open').executeTakeFirstOrThrow();
    return row.incident_id;
  };
  const actions = async (incidentId: string, kinds = ['uplink_accepted', 'uplink_rejected', 'uplink_escalated', 'police_update']) =>
    (await store.db.selectFrom('incident_action').select(['kind', 'detail', 'actor']).where('incident_id', '=', incidentId).where('kind', 'in', kinds).orderBy('id').execute()).map((a): Record<string, unknown> => ({ kind: a.kind, actor: a.actor, ...(a.detail as Record<string, unknown>) }));
  const outbox = (incidentId: string) => store.db.selectFrom('uplink_outbox').selectAll().where('incident_id', '=', incidentId).orderBy('id').execute();
  const attempts = (outboxId: string) => store.db.selectFrom('uplink_attempt').selectAll().where('outbox_id', '=', outboxId).orderBy('id').execute();

  return {
    store,
    db: store.db,
    app,
    arcUrl,
    sim,
    sims,
    bus,
    metrics,
    logs,
    startDelivery,
    alarm,
    actions,
    outbox,
    attempts,
    signInArc: (role: Parameters<typeof signIn>[2]) => signIn(main, store.db, role),
    now: clockNow,
    advance: (ms: number) => void (clock += ms),
  };
}

/** Waits until `check` is true, asking again every 20 ms; fails after a generous deadline (no timing is asserted). */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, deadlineMs = 20_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
