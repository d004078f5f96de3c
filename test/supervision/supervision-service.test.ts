import t from 'tap';
import { saveAccount } from '../../src/receivers/account-store.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signIn } from '../helpers/sign-in.js';
import { appFor, centre, customer } from './supervision-test-kit.js';

// End to end: arc's receiving path with real simulated DC-09 panels, the journal, and the
// supervision service; the clock is moved forward, so minutes of silence take no time.
for (const database of TEST_DATABASES) {
  t.test(`${database.name}: panels that go silent are late, recorded, and restored when they report again`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    await customer(store.db, '朝阳路支行', 'in_service', ['10000', '10001', '10002', '10003', '10004']);
    await customer(store.db, '停用的商店', 'suspended', ['10005']);
    await saveAccount(store.db, { number: '10006', aesKey: null, encryptedOnly: false });
    const c = await centre(t, store);
    const s = c.supervision;

    t.match(s.overview(), { inService: 5, online: 5, late: 0, excluded: 1, unsupervised: 1, rate: 1, warning: false }, 'at start: every in-service account online, the suspended one excluded');
    t.same((await c.events()).map((e) => `${e.subject} ${e.kind}`), ['10000 included', '10001 included', '10002 included', '10003 included', '10004 included'], 'the in-service set is recorded');

    await c.panelsReport(10000, 6);
    await c.consume(s);
    c.clock.advance(90_000);
    await c.panelsReport(10000, 3);
    await c.consume(s);
    c.clock.advance(60_000);
    await s.tick();
    t.match(s.overview(), { inService: 5, online: 3, late: 2, rate: 0.6, warning: true }, 'two silent panels: late, the rate drops under 95 %');
    // Panels report concurrently, so which of the two fell silent first is the network's choice.
    const byAccount = <T extends { account: string }>(list: T[]) => [...list].sort((a, b) => a.account.localeCompare(b.account));
    t.same(byAccount(s.overview().lateAccounts).map((l) => [l.account, l.customerName, l.intervalS, l.graceS]), [['10003', '朝阳路支行', 60, 60], ['10004', '朝阳路支行', 60, 60]], 'the late accounts, with their customer');
    const late = (await c.events()).filter((e) => e.kind === 'late');
    t.same(late.map((e) => e.subject).sort(), ['10003', '10004'], 'recorded as communication-fail troubles; the suspended panel is never late');
    t.equal(late[0]!.at.getTime() - late[0]!.last_report_at!.getTime(), 120_000, 'late from the moment it fell due: last report + interval + grace');

    const app = appFor(t, store, s, c.clock.now);
    const { authorization } = await signIn(app, store.db, 'operator');
    const seen = await app.inject({ method: 'GET', url: '/api/supervision', headers: { authorization } });
    t.equal(seen.statusCode, 200);
    const shown = seen.json<{ lateAccounts: { account: string }[] }>();
    t.same(byAccount(shown.lateAccounts).map((l) => l.account), ['10003', '10004'], 'GET /api/supervision lists the late accounts');
    t.match(shown, { rate: 0.6, warning: true, threshold: 0.95, late: 2, lateAccounts: [{ customerName: '朝阳路支行' }, { customerName: '朝阳路支行' }], receivers: [{ receiver: 'sg1', status: 'pending', trouble: false }] }, 'GET /api/supervision shows the rate and the late accounts');

    c.clock.advance(30_000);
    await c.panelsReport(10003, 2);
    await c.consume(s);
    await s.tick();
    t.match(s.overview(), { online: 5, late: 0, rate: 1, warning: false }, 'reporting again: back online');
    t.same((await c.events()).filter((e) => e.kind === 'restored').map((e) => e.subject), ['10003', '10004'], 'restorations recorded');

    const from = new Date(c.clock.now() - 200_000).toISOString();
    const rate = await app.inject({ method: 'GET', url: `/api/supervision/rate?from=${encodeURIComponent(from)}`, headers: { authorization } });
    t.equal(rate.statusCode, 200);
    const period = rate.json<{ rate: number; accounts: number; lateAccountSeconds: number }>();
    t.equal(period.accounts, 5);
    t.ok(period.lateAccountSeconds > 0 && period.rate < 1 && period.rate > 0.6, `the period rate counts the late spell by its length (${period.rate})`);
  });

  t.test(`${database.name}: a restart rebuilds the state from the journal and the log, recording only what changed`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    await customer(store.db, '朝阳路支行', 'in_service', ['10000', '10001', '10002']);
    const c = await centre(t, store);
    await c.panelsReport(10000, 3);
    await c.consume(c.supervision);
    c.clock.advance(200_000);
    await c.panelsReport(10000, 1);
    await c.consume(c.supervision);
    await c.supervision.tick();
    await c.supervision.stop();
    const before = (await c.events()).length;

    const again = await c.supervise();
    t.match(again.overview(), { inService: 3, online: 1, late: 2 }, 'the late accounts are late after the restart');
    t.equal((await c.events()).length, before, 'and not recorded twice');

    await c.panelsReport(10001, 1);
    await c.consume(again);
    await again.tick();
    t.same((await c.events()).slice(before).map((e) => `${e.subject} ${e.kind}`), ['10001 restored'], 'a report after the restart restores');

    await again.stop();
    c.clock.advance(30_000);
    await c.panelsReport(10002, 1);
    const third = await c.supervise();
    t.same((await c.events()).slice(before + 1).map((e) => `${e.subject} ${e.kind}`), ['10002 restored'], 'a report while supervision was down restores at the next start');
    t.match(third.overview(), { online: 3, late: 0 });
  });
}
