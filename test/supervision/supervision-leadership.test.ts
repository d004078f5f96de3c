import t from 'tap';
import { StaleTermError } from '../../src/failover/assert-term.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { createSupervisionService } from '../../src/supervision/supervision-service.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { customer, silent } from './supervision-test-kit.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: supervision's writes and leadership`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    await customer(store.db, '朝阳路支行', 'in_service', ['10000', '10001']);
    const events = (type: 'account' | 'receiver') => store.db.selectFrom('supervision_event').select(['subject', 'kind']).where('subject_type', '=', type).orderBy('seq').execute();
    let now = T0;

    await t.test("a deposed leader's transitions are refused by the fence and dropped, not retried (the new leader records them from the journal)", async (t) => {
      let deposed = false;
      const service = createSupervisionService({ db: store.db, nodeId: 'arc-a', now: () => now, logger: silent, tickMs: 3_600_000, settleMs: 0 });
      await service.start({ fence: () => (deposed ? Promise.reject(new StaleTermError(1)) : Promise.resolve()) });
      t.same((await events('account')).map((e) => `${e.subject} ${e.kind}`), ['10000 included', '10001 included'], 'leading: recorded');
      deposed = true;
      now += 3_600_000; // both panels silent for an hour: late
      await service.tick();
      t.equal(service.overview().late, 2, 'the deposed node still sees them late');
      t.equal((await events('account')).filter((e) => e.kind === 'late').length, 0, 'but records nothing');
      deposed = false;
      await service.tick();
      t.equal((await events('account')).filter((e) => e.kind === 'late').length, 0, 'and does not write them later: they were dropped');
      await service.stop();
    });

    await t.test("a receiver's status is recorded by the node its port is on, leading or not", async (t) => {
      const standby = createSupervisionService({ db: store.db, nodeId: 'arc-b', now: () => now, logger: silent, receivers: ['sg2'], tickMs: 3_600_000 });
      standby.receiverStatus({ receiver: 'sg2', status: 'silent', at: now, reason: 'no heartbeat for 90 s' });
      for (let i = 0; i < 100 && (await events('receiver')).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      t.same(await events('receiver'), [{ subject: 'sg2', kind: 'silent' }], 'written without start(): a standby never starts supervision');
      const row = await store.db.selectFrom('supervision_event').select(['node_id', 'detail']).where('subject_type', '=', 'receiver').executeTakeFirstOrThrow();
      t.match(row, { node_id: 'arc-b', detail: { reason: 'no heartbeat for 90 s' } });
    });
  });
}
