import { Writable } from 'node:stream';
import t from 'tap';
import { findCustomerCards } from '../../src/customers/customer-lookup.js';
import { buildHttpServer } from '../../src/console/http-server.js';
import { IncidentBus } from '../../src/incidents/incident-bus.js';
import { createIncidentConsumer } from '../../src/incidents/incident-consumer.js';
import { createIncidentMetrics } from '../../src/incidents/incident-metrics.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch } from '../../src/journal/journal-consumer.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { AlarmEvent } from '../../src/protocols/alarm-event.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';
import { signIn } from '../helpers/sign-in.js';
import { bankBody } from '../customers/customer-test-kit.js';
import { cid } from './incident-events.js';

const silent = () => createLogger({ logLevel: 'silent', nodeId: 'test', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));
const RECEIVED = Date.parse('2026-11-23T08:00:00Z');

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the incident API`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    const metrics = createMetrics();
    const incidentMetrics = createIncidentMetrics(metrics);
    const bus = new IncidentBus();
    const heard: string[] = [];
    bus.onPublished((id) => heard.push(id));
    const app = buildHttpServer({ config: { nodeId: 'a' }, store, metrics, logger: silent(), now: () => new Date(RECEIVED + 30_000), incidentBus: bus, incidentMetrics });
    t.teardown(() => app.close());

    const admin = await signIn(app, store.db, 'admin');
    const opA = await signIn(app, store.db, 'operator');
    const opB = await signIn(app, store.db, 'operator');
    const sup = await signIn(app, store.db, 'supervisor');
    const police = await signIn(app, store.db, 'police');
    const guard = await signIn(app, store.db, 'guard');
    const created = await app.inject({ method: 'POST', url: '/api/customers', headers: { authorization: admin.authorization }, payload: bankBody() });
    t.equal(created.statusCode, 201, 'a customer with accounts 10000 and 10100');
    await store.db.insertInto('account').values({ number: '7777', aes_key: null }).execute();

    const journal = new GroupCommitJournal(store.db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus: new JournalBus() });
    const consumer = createIncidentConsumer(store.db, { findCustomerCards, bus, now: () => RECEIVED + 1 });
    let n = 0;
    const signal = async (account: string, events: AlarmEvent[], at = RECEIVED) => {
      await journal.append(signalReception({ account, events, receivedAt: at, dedupKey: `k${++n}` }));
      while ((await consumeBatch(store.db, consumer)) > 0);
    };
    await signal('10000', [cid('130', '1', 3, '10000')], RECEIVED - 60_000);
    await signal('10000', [cid('301', '1', 0, '10000')], RECEIVED - 50_000);
    await signal('7777', [cid('130', '1', 1, '7777')], RECEIVED - 40_000);
    await signal('10100', [cid('122', '1', 1, '10100')], RECEIVED - 10_000);

    const as = (who: { authorization: string } | undefined) => (who ? { authorization: who.authorization } : {});
    const get = (url: string, who?: { authorization: string }) => app.inject({ url, headers: as(who) });
    const act = (id: string, who: { authorization: string }, payload: object) => app.inject({ method: 'POST', url: `/api/incidents/${id}/actions`, headers: as(who), payload });

    const ids = (res: { json<T>(): T }) => res.json<{ incidents: { id: string }[] }>().incidents.map((i) => i.id);
    const queue = (await get('/api/incidents', opA)).json<{ incidents: unknown[] }>().incidents as { id: string; account: string; priority: string; customer: string }[];
    t.same(queue.map((i) => [i.account, i.priority]), [['10100', 'emergency'], ['10000', 'burglary'], ['7777', 'burglary']], 'the queue: most urgent first, then oldest first');
    t.equal(queue[2]!.customer, 'no_customer_card');
    const [holdUp, burglary] = queue.map((i) => i.id);

    t.test('who may read', async (t) => {
      t.equal((await get('/api/incidents')).json().error.code, 'UNAUTHENTICATED');
      t.equal((await get('/api/incidents', guard)).statusCode, 403, 'a guard has their own API');
      t.equal((await get(`/api/incidents/${burglary}`, guard)).statusCode, 403);
      t.equal((await get('/api/incidents/feed', guard)).statusCode, 403);
      t.equal((await get('/api/incidents', admin)).json().incidents.length, 3, 'an admin reads');
      t.same((await get('/api/incidents', police)).json().incidents, [], 'police see nothing not forwarded to 110');
      t.equal((await get(`/api/incidents/${burglary}`, police)).json().error.code, 'INCIDENT_NOT_FOUND');
      t.same((await get('/api/incidents/feed', police)).json().actions, []);
      t.equal((await get('/api/incidents/999999', opA)).statusCode, 404);
      t.equal((await get('/api/incidents/abc', opA)).json().error.code, 'BAD_REQUEST');
      t.equal((await get('/api/incidents?state=maybe', opA)).statusCode, 400);
    });

    t.test('an incident: state, actions, customer card, the account\'s latest signals', async (t) => {
      const res = await get(`/api/incidents/${burglary}`, opA);
      t.equal(res.statusCode, 200);
      const body = res.json<{ incident: object; actions: { kind: string }[]; customer: object; history: { events: { code: string }[] }[] }>();
      t.match(body.incident, { account: '10000', status: 'open', priority: 'burglary', customer: 'in_service', openedAt: '2026-11-23T07:59:00.000Z' });
      t.same(body.actions.map((a) => a.kind), ['opened', 'signal_logged'], 'the trouble is logged on it');
      t.match(body.customer, { name: '工商银行北京朝阳路支行', accounts: ['10000', '10100'] });
      t.notMatch(res.body, /731946|passcode_hash|aesKey/i, 'no secrets');
      t.same(body.history.map((h) => h.events[0]!.code), ['301', '130'], 'newest first');
    });

    t.test('who may act, and the rules of acting', async (t) => {
      for (const who of [admin, police, guard]) t.equal((await act(burglary!, who, { kind: 'take' })).statusCode, 403, 'only operators and supervisors act');
      t.equal((await act(burglary!, opA, { kind: 'shout' })).json().error.code, 'BAD_REQUEST');
      t.equal((await act('424242', opA, { kind: 'take' })).json().error.code, 'INCIDENT_NOT_FOUND');

      type Acted = { incident: object; actions: { id: string; kind: string; actor: string }[] };
      const acked = await act(burglary!, opA, { kind: 'acknowledge' });
      t.equal(acked.statusCode, 201);
      t.same(acked.json<Acted>().actions.map((a) => [a.kind, a.actor]), [['taken', opA.user.id], ['acknowledged', opA.user.id]]);
      t.equal(heard.at(-1), acked.json<Acted>().actions[1]!.id, 'the bus heard it');
      t.match(await metrics.metrics(), /arc_incident_ack_seconds_sum\{event_class="alarm",priority="burglary"\} 90/, 'receipt → acknowledgement: 90 s');

      t.equal((await act(burglary!, opB, { kind: 'take' })).json().error.code, 'HELD_BY_OTHER', 'an operator may not take over');
      t.equal((await act(burglary!, opB, { kind: 'dispatch_guard' })).json().error.code, 'HELD_BY_OTHER');
      t.equal((await act(burglary!, opA, { kind: 'forward_110' })).json().error.code, 'NOT_JUDGED');
      t.equal((await act(burglary!, opA, { kind: 'record_callback', contact: '刘建国', phone: '13800001001', result: 'no_answer' })).statusCode, 201);
      t.equal((await act(burglary!, opA, { kind: 'dispatch_guard', note: 'vault door' })).statusCode, 201);

      const over = await act(burglary!, sup, { kind: 'take' });
      t.match(over.json().actions, [{ kind: 'taken', actor: sup.user.id, detail: { from: opA.user.id } }], 'a supervisor takes over');
      t.equal((await act(burglary!, opA, { kind: 'judge', verdict: 'real', evidence: 'x' })).json().error.code, 'HELD_BY_OTHER', 'and then the operator may not act');
      const noEvidence = await act(burglary!, sup, { kind: 'judge', verdict: 'real' });
      t.equal(noEvidence.statusCode, 422);
      t.equal(noEvidence.json().error.code, 'EVIDENCE_REQUIRED');
      t.equal((await act(burglary!, sup, { kind: 'judge', verdict: 'real', evidence: 'guard: vault door forced' })).statusCode, 201);
      const forwarded = await act(burglary!, sup, { kind: 'forward_110', note: 'vault' });
      t.match(forwarded.json().actions, [{ kind: 'forward_110_requested', detail: { verdict: 'real', evidence: 'guard: vault door forced' } }]);

      t.same(ids(await get('/api/incidents', police)), [burglary], 'police now read the forwarded incident');
      t.equal((await get(`/api/incidents/${burglary}`, police)).statusCode, 200);
      const policeFeed = (await get('/api/incidents/feed', police)).json().actions as { incidentId: string }[];
      t.ok(policeFeed.length > 0 && policeFeed.every((a) => a.incidentId === burglary), "the police feed holds the forwarded incident's actions only");
      t.equal((await act(burglary!, police, { kind: 'close', outcome: 'real', note: 'x' })).statusCode, 403, 'and never write');

      t.equal((await act(burglary!, sup, { kind: 'close', note: 'arrested' })).json().error.code, 'OUTCOME_REQUIRED');
      t.equal((await act(burglary!, sup, { kind: 'close', outcome: 'real' })).json().error.code, 'NOTE_REQUIRED');
      const closed = await act(burglary!, sup, { kind: 'close', outcome: 'real', note: 'two arrested by 110' });
      t.match(closed.json().incident, { status: 'closed', handled: true, outcome: 'real', judged: true });
      t.equal((await act(burglary!, sup, { kind: 'take' })).json().error.code, 'INCIDENT_CLOSED');

      t.same(ids(await get('/api/incidents', opA)), [holdUp, queue[2]!.id], 'closed: off the queue');
      t.same(ids(await get('/api/incidents?state=closed', opA)), [burglary]);
      t.equal((await get('/api/incidents?state=all', opA)).json().incidents.length, 3);

      const audit = await store.db.selectFrom('audit_log').select(['actor', 'action']).where('subject_type', '=', 'incident').where('subject_id', '=', burglary!).orderBy('seq').execute();
      const operatorRows = audit.filter((a) => a.actor !== 'system');
      t.same(operatorRows.filter((a) => a.action !== 'incident.refused').map((a) => a.action), [
        'incident.taken', 'incident.acknowledged', 'incident.callback_recorded', 'incident.dispatch_requested', 'incident.taken',
        'incident.judged', 'incident.forward_110_requested', 'incident.closed',
      ], 'every action audited, by its actor');
      t.equal(operatorRows.filter((a) => a.action === 'incident.refused').length, 8, 'refusals too');
    });

    t.test('the feed: every action after a given id, in order', async (t) => {
      type Feed = { actions: { id: string }[]; last: string };
      const all = (await get('/api/incidents/feed?since=0', opA)).json<Feed>();
      const seqs = all.actions.map((a) => BigInt(a.id));
      t.ok(seqs.every((id, i) => i === 0 || id > seqs[i - 1]!), 'ascending');
      const total = await store.db.selectFrom('incident_action').select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      t.equal(all.actions.length, Number(total.n));
      t.equal(all.last, all.actions.at(-1)!.id);
      const rest = (await get(`/api/incidents/feed?since=${all.actions[2]!.id}&limit=2`, sup)).json<Feed>();
      t.same(rest.actions.map((a) => a.id), all.actions.slice(3, 5).map((a) => a.id), 'resume after an id, a page at a time');
      t.same((await get(`/api/incidents/feed?since=${all.last}`, admin)).json(), { actions: [], last: all.last }, 'caught up');
    });
  });
}
