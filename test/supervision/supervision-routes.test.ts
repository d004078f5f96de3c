import t from 'tap';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signIn } from '../helpers/sign-in.js';
import { appFor, centre, customer } from './supervision-test-kit.js';

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the API: roles, periods, an account's own settings, suspensions and receivers`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    await customer(store.db, '朝阳路支行', 'in_service', ['10000', '10001']);
    const c = await centre(t, store);
    const app = appFor(t, store, c.supervision, c.clock.now);
    const admin = await signIn(app, store.db, 'admin');
    const guard = await signIn(app, store.db, 'guard');
    const operator = await signIn(app, store.db, 'operator');

    t.equal((await app.inject({ method: 'GET', url: '/api/supervision' })).json().error.code, 'UNAUTHENTICATED');
    t.equal((await app.inject({ method: 'GET', url: '/api/supervision', headers: { authorization: guard.authorization } })).json().error.code, 'FORBIDDEN', 'guards do not read it');
    const bad = await app.inject({ method: 'GET', url: `/api/supervision/rate?from=${new Date(c.clock.now() + 60_000).toISOString()}`, headers: { authorization: operator.authorization } });
    t.match({ status: bad.statusCode, code: bad.json().error.code }, { status: 400, code: 'BAD_PERIOD' }, 'a period that starts after now');
    t.equal((await app.inject({ method: 'GET', url: '/api/supervision/rate?from=yesterday', headers: { authorization: operator.authorization } })).json().error.code, 'BAD_REQUEST');

    const put = (number: string, body: object, authorization = admin.authorization) => app.inject({ method: 'PUT', url: `/api/supervision/accounts/${number}`, headers: { authorization }, payload: body });
    t.equal((await put('10000', { intervalS: 20, graceS: 10, countsAs: 'tests' }, operator.authorization)).statusCode, 403, 'only admins set it');
    t.equal((await put('99999', { intervalS: 20, graceS: 10, countsAs: 'tests' })).json().error.code, 'ACCOUNT_NOT_FOUND');
    t.equal((await put('10000', { intervalS: 5, graceS: 10, countsAs: 'tests' })).statusCode, 400, 'under 20 s');
    const set = await put('10000', { intervalS: 20, graceS: 10, countsAs: 'tests' });
    t.same(set.json(), { account: '10000', intervalS: 20, graceS: 10, countsAs: 'tests' });
    t.equal((await store.db.selectFrom('audit_log').select('action').where('action', '=', 'supervision.settings').execute()).length, 1, 'audited');
    c.clock.advance(31_000);
    await c.supervision.tick();
    t.same(c.supervision.overview().lateAccounts.map((l) => [l.account, l.intervalS, l.graceS]), [['10000', 20, 10]], 'the IP path at 20 s is late at once, its phone line (60 s) is not');

    await store.db.updateTable('customer').set({ service_status: 'suspended' }).execute();
    await c.supervision.reload();
    t.match(c.supervision.overview(), { inService: 0, excluded: 2, late: 0, rate: null, warning: false }, 'a suspended customer leaves the rate and its troubles end');
    t.same((await c.events()).slice(-2).map((e) => `${e.subject} ${e.kind}`), ['10000 excluded', '10001 excluded']);

    c.supervision.receiverStatus({ receiver: 'sg1', status: 'silent', at: c.clock.now(), reason: 'nothing heard for 95 s' });
    await c.supervision.tick();
    const view = await app.inject({ method: 'GET', url: '/api/supervision', headers: { authorization: operator.authorization } });
    t.match(view.json().receivers, [{ receiver: 'sg1', node: 'arc-t', status: 'silent', reason: 'nothing heard for 95 s', trouble: true }], 'a silent receiver is a receiver trouble');
    const recorded = await store.db.selectFrom('supervision_event').select(['subject', 'kind']).where('subject_type', '=', 'receiver').execute();
    t.same(recorded, [{ subject: 'sg1', kind: 'silent' }], 'recorded too');
    await t.rejects(store.db.deleteFrom('supervision_event').execute(), 'the log is append-only');

    const many = Array.from({ length: 2_500 }, (_, i) => ({ number: String(200_000 + i), aes_key: null }));
    await store.db.insertInto('account').values(many).execute();
    await store.db.updateTable('customer').set({ service_status: 'in_service' }).execute();
    const { id } = await store.db.selectFrom('customer').select('id').executeTakeFirstOrThrow();
    await store.db.updateTable('account').set({ customer_id: id }).where('number', '>=', '200000').execute();
    await c.supervision.reload();
    t.match(c.supervision.overview(), { inService: 2_502, online: 2_502 }, 'thousands of accounts join at once');
    const included = await store.db.selectFrom('supervision_event').select((e) => e.fn.countAll<string>().as('n')).where('kind', '=', 'included').executeTakeFirstOrThrow();
    t.equal(Number(included.n), 2 + 2_502, 'and are all recorded (in chunks under the bind-parameter limit)');
  });
}
