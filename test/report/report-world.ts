import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { Test } from 'tap';
import { buildHttpServer } from '../../src/console/http-server.js';
import { findCustomerCards } from '../../src/customers/customer-lookup.js';
import { createDispatchService } from '../../src/dispatch/dispatch-service.js';
import { IncidentBus } from '../../src/incidents/incident-bus.js';
import { createIncidentConsumer } from '../../src/incidents/incident-consumer.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch } from '../../src/journal/journal-consumer.js';
import { createMaintenanceService } from '../../src/maintenance/maintenance-service.js';
import { DEFAULT_TICKET_POLICY } from '../../src/maintenance/ticket-policy.js';
import { createLogger } from '../../src/observability/logger.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { bankBody } from '../customers/customer-test-kit.js';
import type { DatabaseLocation, TestDatabase } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';
import { signIn } from '../helpers/sign-in.js';
import { cid } from '../incidents/incident-events.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

const silent = () => createLogger({ logLevel: 'silent', nodeId: 't', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));

type Who = { authorization: string; user: { id: string } };

/**
 * arc as `serve` wires it for the figures of the report, on a database the test can close and
 * hand to the CLI: the HTTP server (buildHttpServer, so the report route is the one arc
 * registers), the journal and the incidents consumer, dispatch and maintenance, on a clock the
 * test moves. Sessions last 90 days, so that moving the clock through a month signs nobody out.
 */
export async function reportWorld(t: Test, database: TestDatabase, start: number) {
  const location: DatabaseLocation = await database.location(t);
  const store = await openDatabase(location);
  t.teardown(() => store.close());
  await migrateToLatest(store.db);
  const db = store.db;
  const clock = { now: start };
  const incidentBus = new IncidentBus();
  const dispatch = createDispatchService({ db, now: () => clock.now, logger: silent(), policy: { acceptTimeoutMs: 120_000, predictedArrivalMs: 20 * MIN }, incidentBus });
  t.teardown(() => dispatch.stop());
  const maintenance = createMaintenanceService({ db, now: () => clock.now, logger: silent(), policy: DEFAULT_TICKET_POLICY, tickMs: DAY });
  t.teardown(() => maintenance.stop());
  const app: FastifyInstance = buildHttpServer({ config: { nodeId: 't' }, store, metrics: new Registry(), logger: silent(), now: () => new Date(clock.now), sessionTtlMs: 90 * DAY, incidentBus, dispatch, maintenance });
  t.teardown(() => app.close());
  const journal = new GroupCommitJournal(db, { nodeId: 't', dedupWindowMs: 120_000, bus: new JournalBus() });
  t.teardown(() => journal.close());
  const consumer = createIncidentConsumer(db, { findCustomerCards, bus: incidentBus, now: () => clock.now });

  const [admin, supervisor, operator, police] = await Promise.all((['admin', 'supervisor', 'operator', 'police'] as const).map((role) => signIn(app, db, role)));
  const as = (who: Who) => ({ authorization: who.authorization });
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, who: Who, payload?: object) => {
    const res = await app.inject({ method, url, headers: as(who), ...(payload && { payload }) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json<Record<string, unknown>>();
  };
  let frames = 0;

  return {
    location,
    store,
    db,
    clock,
    app,
    maintenance,
    admin: admin!,
    supervisor: supervisor!,
    operator: operator!,
    police: police!,
    call,
    /** A customer with one account, created through the API; returns the customer's id. */
    async customer(name: string, account: string, contractedArrivalMin: number | null = null): Promise<string> {
      const body = bankBody({ name, accounts: [{ number: account }], zones: [{ account, number: 3, name: '门磁', location: '大门', type: 'burglary', principle: 'contact' }], panelUsers: [], guardArea: null });
      const { id } = (await call('POST', '/api/customers', admin!, body)) as { id: string };
      if (contractedArrivalMin !== null) await call('PUT', `/api/customers/${id}/contracted-arrival`, admin!, { minutes: contractedArrivalMin });
      return id;
    },
    /** A guard on duty. */
    async guard(): Promise<Who> {
      const who = await signIn(app, db, 'guard');
      await call('POST', '/api/guards', supervisor!, { userId: who.user.id, area: null, position: null });
      await call('PUT', '/api/guard/status', who, { status: 'available' });
      return who;
    },
    /** A burglary alarm (Contact ID 130, zone 3) received now, through the journal and the incidents consumer; the incident's id. */
    async alarm(account: string): Promise<string> {
      await journal.append(signalReception({ account, events: [cid('130', '1', 3, account)], receivedAt: clock.now, dedupKey: `frame-${++frames}` }));
      while ((await consumeBatch(db, consumer)) > 0);
      return (await db.selectFrom('incident_queue').select('incident_id').where('account', '=', account).where('status', '=', 'open').executeTakeFirstOrThrow()).incident_id;
    },
    /** An operator's command on an incident. */
    act(incident: string, payload: object) {
      return call('POST', `/api/incidents/${incident}/actions`, operator!, payload);
    },
    /** A guard's step on an order: accept, on-scene, report. */
    guardDoes(order: string, guard: Who, step: string, payload: object = {}) {
      return call('POST', `/api/dispatch-orders/${order}/${step}`, guard, payload);
    },
  };
}
