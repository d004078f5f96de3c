import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import t, { type Test } from 'tap';
import { buildHttpServer } from '../../src/console/http-server.js';
import { assertTerm, CONSUMERS_LEASE } from '../../src/failover/assert-term.js';
import { createFailoverMetrics } from '../../src/failover/failover-metrics.js';
import { registerFailoverRoutes } from '../../src/failover/failover-routes.js';
import type { LeaseKeeper } from '../../src/failover/lease-keeper.js';
import { readLease } from '../../src/failover/lease-store.js';
import { openDatabase, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signIn } from '../helpers/sign-in.js';
import { arc, keeperFor, RENEW_MS, silent, TTL_MS, until, type Journal } from './failover-test-kit.js';

const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');
const pglite = TEST_DATABASES.find((d) => d.name === 'pglite')!;
/**
 * This test counts terms exactly, and nothing in it waits for a lease to lapse (a stopped leader
 * lets go at once): a longer ttl than the kit's keeps a busy machine's stall of a second from
 * deposing a leader and adding a term (it did once, with benchmarks running beside the suite).
 */
const STEADY_TTL_MS = 5 * TTL_MS;

/** arc's HTTP server with the failover routes of `keeper`, as start-arc would wire them. */
function appFor(t: Test, store: Store, keeper: LeaseKeeper): FastifyInstance {
  const app = buildHttpServer({ config: { nodeId: keeper.nodeId }, store, metrics: new Registry(), logger: silent });
  void app.register((scope, _options, done) => {
    registerFailoverRoutes(scope, { db: store.db, database: store.kind, keeper, now: () => new Date(), switchoverWaitMs: 15_000 });
    done();
  });
  t.teardown(() => app.close());
  return app;
}

t.test('postgres: two nodes, one leader; a supervisor hands over, drained first; a leader that stops hands over at once', { skip: postgres ? false : 'TEST_DATABASE_URL is not set' }, async (t) => {
  const { databaseUrl, env } = await postgres!.location(t);
  const open = async () => {
    const store = await openDatabase({ databaseUrl, dataDir: '' });
    t.teardown(() => store.close());
    return store;
  };
  const [storeA, storeB] = [await open(), await open()]; // one pool per node, as two processes would have
  await migrateToLatest(storeA.db);
  const log: Journal = [];
  const registries = { 'node-a': new Registry(), 'node-b': new Registry() };
  const [a, b] = await Promise.all([
    keeperFor(t, storeA.db, 'node-a', log, { metrics: createFailoverMetrics(registries['node-a']), loseMs: 300, drainWrite: true, ttlMs: STEADY_TTL_MS }),
    keeperFor(t, storeB.db, 'node-b', log, { metrics: createFailoverMetrics(registries['node-b']), loseMs: 300, drainWrite: true, ttlMs: STEADY_TTL_MS }),
  ]);
  await until(() => a.leading() || b.leading(), 'a leader');
  await new Promise((r) => setTimeout(r, 3 * RENEW_MS)); // a few rounds of renewals and looks
  t.equal([a, b].filter((k) => k.leading()).length, 1, 'exactly one node leads');
  const [leader, standby] = a.leading() ? [a, b] : [b, a];
  const leaderStore = leader === a ? storeA : storeB;
  t.same(leader.terms, [1], 'under term 1');
  t.same(standby.terms, [], 'the other never led');
  t.match(leader.keeper.status(), { nodeId: leader.nodeId, role: 'leader', term: 1, holder: leader.nodeId });
  await until(() => standby.keeper.status().holder === leader.nodeId, 'the standby to see the leader');
  t.match(standby.keeper.status(), { nodeId: standby.nodeId, role: 'standby', term: 1, holder: leader.nodeId });
  t.ok(leader.keeper.status().leaseExpiresAt!.getTime() > Date.now() - 60_000, 'the lease expiry is known (database clock)');

  // The API of the leading node.
  const app = appFor(t, leaderStore, leader.keeper);
  const operator = await signIn(app, leaderStore.db, 'operator');
  const supervisor = await signIn(app, leaderStore.db, 'supervisor');
  const guard = await signIn(app, leaderStore.db, 'guard');
  const get = (authorization: string) => app.inject({ method: 'GET', url: '/api/failover', headers: { authorization } });
  t.equal((await app.inject({ method: 'GET', url: '/api/failover' })).statusCode, 401);
  t.equal((await get(guard.authorization)).statusCode, 403, 'guards do not read it');
  const status = await get(operator.authorization);
  t.equal(status.statusCode, 200);
  t.match(status.json(), { nodeId: leader.nodeId, role: 'leader', term: 1, holder: leader.nodeId, leaseExpiresAt: String, handoverTo: null, spoolDepth: 0, database: 'postgres', note: null });
  t.same(
    status.json<{ nodes: { nodeId: string; alive: boolean }[] }>().nodes.map((n) => [n.nodeId, n.alive]),
    [['node-a', true], ['node-b', true]],
    'both nodes are alive',
  );

  const post = (to: unknown, authorization = supervisor.authorization) => app.inject({ method: 'POST', url: '/api/failover/switchover', headers: { authorization }, payload: { to } });
  t.equal((await post(standby.nodeId, operator.authorization)).statusCode, 403, 'operators do not switch over');
  t.equal((await post('not a node id!')).json().error.code, 'BAD_REQUEST');
  const unknown = await post('node-z');
  t.match({ status: unknown.statusCode, code: unknown.json().error.code }, { status: 409, code: 'UNKNOWN_NODE' });
  await leaderStore.db.insertInto('failover_node').values({ node_id: 'node-old', started_at: new Date(0), seen_at: new Date(0) }).execute();
  t.equal((await post('node-old')).json().error.code, 'NODE_NOT_ALIVE', 'a node not seen within the ttl');
  t.equal((await post(leader.nodeId)).json().error.code, 'ALREADY_LEADER');

  // While the old leader drains, its consumers' writes still pass the fence; the new leader's do only after.
  const switched = await post(standby.nodeId);
  t.equal(switched.statusCode, 200, switched.body);
  t.same(switched.json(), { from: leader.nodeId, to: standby.nodeId, done: true, holder: standby.nodeId, term: 2 }, 'handed over under term 2');
  await until(() => standby.terms.length === 1, 'the new leader to start its consumers');
  const lost = log.indexOf(`${leader.nodeId} lost`);
  const led = log.indexOf(`${standby.nodeId} lead 2`);
  t.ok(lost >= 0 && led > lost, `the old leader drained (onLose done) before the new one led: ${log.join(', ')}`);
  t.ok(log.includes(`${leader.nodeId} drain ok`), 'its last batch, committed during the drain, passed the fence under term 1');
  t.notOk(leader.leading(), 'the old leader runs nothing');
  await t.rejects(leaderStore.db.transaction().execute((trx) => assertTerm(trx, 1)), { code: 'STALE_TERM' }, 'and term 1 is dead');
  t.match(await readLease(leaderStore.db, CONSUMERS_LEASE), { holder: standby.nodeId, term: 2, handoverTo: null, expired: false });
  const change = await leaderStore.db.selectFrom('leadership_change').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
  t.match(change, { term: '2', holder: standby.nodeId, previous_holder: leader.nodeId, previous_term: '1', reason: 'switchover' });
  const audited = await leaderStore.db.selectFrom('audit_log').select(['action', 'subject_id']).where('action', '=', 'failover.switchover').execute();
  t.same(audited, [{ action: 'failover.switchover', subject_id: standby.nodeId }], 'audited');
  await until(() => leader.keeper.status().holder === standby.nodeId, 'the old leader to see the new one');
  t.match((await get(operator.authorization)).json(), { nodeId: leader.nodeId, role: 'standby', term: 2, holder: standby.nodeId });

  // `arc status` for each node, from the database.
  const now = await arc(['status'], { ...env, ARC_NODE_ID: standby.nodeId });
  t.equal(now.code, 0, now.stderr);
  t.match(now.stdout, new RegExp(`^node +${standby.nodeId}\\nrole +leader\\nterm +2\\nholder +${standby.nodeId}\\nlease expiry +\\d{4}-\\d\\d-\\d\\dT[^\\n]+Z\\nspool depth +0\\ndatabase +postgres\\n`));
  t.match(now.stdout, /nodes +node-a \(alive\), node-b \(alive\), node-old \(last seen 1970/);
  const json = await arc(['status', '--json'], { ...env, ARC_NODE_ID: leader.nodeId });
  t.match(JSON.parse(json.stdout), { nodeId: leader.nodeId, role: 'standby', term: 2, holder: standby.nodeId, leaseExpiresAt: String, spoolDepth: 0, database: 'postgres', note: null });
  t.equal((await arc(['status', '--bogus'], env)).code, 2);

  // Metrics, per node.
  const text = async (nodeId: 'node-a' | 'node-b') => registries[nodeId].metrics();
  t.match(await text(standby.nodeId as 'node-a'), /arc_leadership_changes_total\{reason="switchover"\} 1/);
  t.match(await text(standby.nodeId as 'node-a'), /arc_takeover_seconds_count\{reason="switchover"\} 1/);
  t.match(await text(standby.nodeId as 'node-a'), /\narc_is_leader 1\n/);
  t.match(await text(leader.nodeId as 'node-a'), /arc_leadership_changes_total\{reason="first"\} 1/);
  t.match(await text(leader.nodeId as 'node-a'), /\narc_is_leader 0\n/);

  // A leader that stops lets the lease lapse at once: the other node takes over without waiting a ttl.
  await standby.keeper.stop();
  t.same(log.slice(-3), [`${standby.nodeId} losing`, `${standby.nodeId} drain ok`, `${standby.nodeId} lost`], 'it drained first, its last batch still under its term');
  await until(() => leader.leading(), 'the remaining node to lead');
  t.same(leader.terms, [1, 3], 'under a higher term');
  const lapsed = await leaderStore.db.selectFrom('leadership_change').select(['reason', 'takeover_ms']).orderBy('id', 'desc').executeTakeFirstOrThrow();
  t.equal(lapsed.reason, 'lapsed');
  t.comment(`takeover after a clean stop: ${Math.round(lapsed.takeover_ms!)} ms (renewal interval ${RENEW_MS} ms, ttl ${STEADY_TTL_MS} ms)`);
});

t.test('pglite: the embedded database is a single node: it leads at once under term 1 and says so', async (t) => {
  const location = await pglite.location(t);
  const store = await openDatabase(location);
  await migrateToLatest(store.db);
  const log: Journal = [];
  const single = await keeperFor(t, store.db, 'solo', log, { single: true });
  t.same(log, ['solo lead 1'], 'onLead(1) before startLeaseKeeper resolves');
  t.same(single.keeper.status(), { nodeId: 'solo', role: 'single', term: 1, holder: 'solo', leaseExpiresAt: null, handoverTo: null });
  await store.db.transaction().execute((trx) => assertTerm(trx, 1));
  t.pass('its writes pass the fence under term 1');
  await t.rejects(single.keeper.switchover('other'), { code: 'SINGLE_NODE' });

  const app = appFor(t, store, single.keeper);
  const supervisor = await signIn(app, store.db, 'supervisor');
  const status = await app.inject({ method: 'GET', url: '/api/failover', headers: { authorization: supervisor.authorization } });
  t.same(status.json(), { nodeId: 'solo', role: 'single', term: 1, holder: 'solo', leaseExpiresAt: null, handoverTo: null, spoolDepth: 0, database: 'pglite', note: 'single node (embedded database)', nodes: [] });
  const refused = await app.inject({ method: 'POST', url: '/api/failover/switchover', headers: { authorization: supervisor.authorization }, payload: { to: 'other' } });
  t.match({ status: refused.statusCode, code: refused.json().error.code }, { status: 409, code: 'SINGLE_NODE' });

  const busy = await arc(['status'], { ...location.env, ARC_NODE_ID: 'solo' });
  t.equal(busy.code, 0, busy.stderr);
  t.match(busy.stdout, /^node +solo\nrole +single node \(embedded database\)\nterm +1\nholder +solo\nlease expiry +never \(single node\)\nspool depth +0\ndatabase +pglite\nnote +the embedded database is in use by the running server \(pid \d+\)\n$/, 'while the server runs');

  await single.keeper.stop();
  t.same(log, ['solo lead 1', 'solo losing', 'solo lost'], 'stop calls onLose');
  await app.close();
  await store.close();
  const idle = await arc(['status', '--json'], { ...location.env, ARC_NODE_ID: 'solo' });
  t.equal(idle.code, 0, idle.stderr);
  t.same(JSON.parse(idle.stdout), { nodeId: 'solo', role: 'single', term: 1, holder: 'solo', leaseExpiresAt: null, handoverTo: null, spoolDepth: 0, database: 'pglite', note: 'single node (embedded database)', nodes: [] }, 'read from the database when no server runs');
});
