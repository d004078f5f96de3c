import t from 'tap';
import { loadDemo } from '../../src/demo/load-demo.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';

t.test('arc serve --demo: the demo customers, one user per role, and the guard on duty for dispatch; loading again changes nothing', async (t) => {
  const store = await TEST_DATABASES[0]!.open(t);
  await migrateToLatest(store.db);
  const now = () => new Date('2026-11-23T08:00:00Z');
  const first = await loadDemo(store.db, { password: 'demo password 1', now });
  t.same(first.users.map((u) => [u.role, u.password]), [['admin', 'demo password 1'], ['supervisor', 'demo password 1'], ['operator', 'demo password 1'], ['guard', 'demo password 1'], ['police', 'demo password 1']]);
  t.ok(first.customers.imported.length >= 8, `${first.customers.imported.length} demo customers`);
  const guards = () => store.db.selectFrom('guard').innerJoin('app_user', 'app_user.id', 'guard.id').select(['app_user.username', 'guard.status']).execute();
  t.same(await guards(), [{ username: 'guard', status: 'available' }], 'the demo guard is registered and on duty');

  const again = await loadDemo(store.db, { password: 'demo password 2', now });
  t.ok(again.users.every((u) => u.password === null), 'existing users keep their passwords');
  t.same(await guards(), [{ username: 'guard', status: 'available' }], 'and the guard is registered once');
  const audits = await store.db.selectFrom('audit_log').select('action').where('action', '=', 'dispatch.guard_register').execute();
  t.equal(audits.length, 1, 'the registration is audited once');
});
