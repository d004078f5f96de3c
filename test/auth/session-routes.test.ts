import { Writable } from 'node:stream';
import t from 'tap';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain.js';
import { createUser } from '../../src/auth/user-store.js';
import { buildHttpServer } from '../../src/console/http-server.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signIn, TEST_PASSWORD } from '../helpers/sign-in.js';

const silent = () => createLogger({ logLevel: 'silent', nodeId: 'test', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: sessions and users`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    let clock = new Date('2026-11-23T08:00:00Z');
    const metrics = createMetrics();
    const app = buildHttpServer({ config: { nodeId: 'a' }, store, metrics, logger: silent(), now: () => clock, sessionTtlMs: 3600_000 });
    t.teardown(() => app.close());

    t.test('a right password opens a session; the token says who it is', async (t) => {
      const op = await signIn(app, store.db, 'operator', 'wang.fang');
      const me = await app.inject({ url: '/api/session', headers: { authorization: op.authorization } });
      t.equal(me.statusCode, 200);
      t.match(me.json(), { username: 'wang.fang', role: 'operator' });
      t.notMatch(me.body, /password|hash/i, 'no password material in the answer');
    });

    t.test('a wrong password and an unknown name get the same answer, and are counted', async (t) => {
      await createUser(store.db, { username: 'li.na', displayName: 'Li Na', role: 'supervisor', password: TEST_PASSWORD });
      const wrong = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'li.na', password: 'not it at all' } });
      const unknown = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'nobody', password: 'not it at all' } });
      t.equal(wrong.statusCode, 401);
      t.same(wrong.json(), unknown.json());
      t.equal(wrong.json().error.code, 'BAD_CREDENTIALS');
      t.match(await metrics.metrics(), /arc_sign_in_failures_total\{reason="bad_credentials"\} 2/);
    });

    t.test('a bad body is a 400 naming the field', async (t) => {
      const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'x' } });
      t.equal(res.statusCode, 400);
      t.equal(res.json().error.code, 'BAD_REQUEST');
      t.match(res.json().error.message, /password/);
    });

    t.test('no token, a made-up token, an expired or ended session: 401', async (t) => {
      t.equal((await app.inject({ url: '/api/session' })).json().error.code, 'UNAUTHENTICATED');
      t.equal((await app.inject({ url: '/api/session', headers: { authorization: 'Bearer made-up' } })).statusCode, 401);
      const op = await signIn(app, store.db, 'operator');
      t.equal((await app.inject({ method: 'DELETE', url: '/api/session', headers: { authorization: op.authorization } })).statusCode, 204);
      t.equal((await app.inject({ url: '/api/session', headers: { authorization: op.authorization } })).statusCode, 401, 'signed out');
      const later = await signIn(app, store.db, 'operator');
      clock = new Date(clock.getTime() + 3600_000 + 1);
      t.equal((await app.inject({ url: '/api/session', headers: { authorization: later.authorization } })).statusCode, 401, 'expired');
      t.equal((await app.inject({ url: `/api/session?token=${encodeURIComponent(later.token)}` })).statusCode, 401, 'expired by query token too');
    });

    t.test('only an admin creates users; a supervisor may list them; nobody reads a hash', async (t) => {
      const admin = await signIn(app, store.db, 'admin');
      const body = { username: 'zhao.lei', displayName: '赵磊', role: 'guard', password: 'long enough password' };
      for (const role of ['supervisor', 'operator', 'guard', 'police'] as const) {
        const other = await signIn(app, store.db, role);
        const res = await app.inject({ method: 'POST', url: '/api/users', headers: { authorization: other.authorization }, payload: body });
        t.equal(res.statusCode, 403, `${role} may not create users`);
        t.equal(res.json().error.code, 'FORBIDDEN');
      }
      const created = await app.inject({ method: 'POST', url: '/api/users', headers: { authorization: admin.authorization }, payload: body });
      t.equal(created.statusCode, 201);
      t.match(created.json(), { username: 'zhao.lei', role: 'guard' });
      const again = await app.inject({ method: 'POST', url: '/api/users', headers: { authorization: admin.authorization }, payload: body });
      t.equal(again.statusCode, 409);
      t.equal(again.json().error.code, 'USER_EXISTS');
      const short = await app.inject({ method: 'POST', url: '/api/users', headers: { authorization: admin.authorization }, payload: { ...body, username: 'x2', password: 'short' } });
      t.equal(short.statusCode, 400);
      const supervisor = await signIn(app, store.db, 'supervisor');
      const list = await app.inject({ url: '/api/users', headers: { authorization: supervisor.authorization } });
      t.equal(list.statusCode, 200);
      t.ok(list.json<{ username: string }[]>().some((u) => u.username === 'zhao.lei'));
      t.notMatch(list.body, /scrypt|password/);
      const guard = await signIn(app, store.db, 'guard');
      t.equal((await app.inject({ url: '/api/users', headers: { authorization: guard.authorization } })).statusCode, 403);
    });

    t.test('sign-ins, sign-outs and user creation are in the audit chain, which verifies', async (t) => {
      const actions = (await store.db.selectFrom('audit_log').select('action').execute()).map((r) => r.action);
      t.ok(actions.includes('session.sign_in'));
      t.ok(actions.includes('session.sign_out'));
      t.ok(actions.includes('user.create'));
      t.match(await verifyAuditChain(store.db), { ok: true });
    });
  });
}
