import t from 'tap';
import { createDispatchService } from '../../src/dispatch/dispatch-service.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { dispatchWorld, MIN, T0, silent } from './dispatch-test-kit.js';

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the dispatch timer`, async (t) => {
    const w = await dispatchWorld(t, database);
    const policy = { acceptTimeoutMs: 120_000, predictedArrivalMs: 20 * MIN };
    const otherNode = createDispatchService({ db: w.store.db, now: () => w.clock.now, logger: silent(), policy });
    t.teardown(() => otherNode.stop());
    await w.customer('30000');
    const first = await w.guard('first', '朝阳一区', null);
    const second = await w.guard('second', null, null);
    const incident = await w.alarm('30000');
    const order = await w.store.db.transaction().execute((trx) => w.service.requestDispatch(trx, { incidentId: incident, account: '30000', reason: 'verify on site', requestedBy: 'system', at: w.clock.now }));
    t.match(order, { created: true, order: { guardId: first.user.id } });
    const orderId = order.order!.id;
    const events = async () => (await w.store.db.selectFrom('dispatch_order_event').select('kind').where('order_id', '=', orderId).orderBy('id').execute()).map((e) => e.kind);

    await t.test('two nodes tick the same overdue order at once: it moves once', async (t) => {
      w.clock.now = T0 + 3 * MIN;
      const changed = await Promise.all([w.service.tick(), otherNode.tick(), w.service.tick(), otherNode.tick()]);
      t.equal(changed.reduce((a, b) => a + b, 0), 1);
      t.same(await events(), ['requested', 'assigned', 'not_accepted', 'assigned']);
      const state = await w.store.db.selectFrom('dispatch_order_state').select(['guard_id', 'status']).where('order_id', '=', orderId).executeTakeFirstOrThrow();
      t.same(state, { guard_id: second.user.id, status: 'issued' });
    });

    await t.test('started, the loop acts by itself', async (t) => {
      const loop = createDispatchService({ db: w.store.db, now: () => w.clock.now, logger: silent(), policy, tickMs: 20 });
      w.clock.now = T0 + 10 * MIN;
      loop.start();
      t.teardown(() => loop.stop());
      // Both guards refused it now: the operator is told, and the order waits unassigned.
      for (let i = 0; i < 500 && !(await events()).includes('escalated'); i++) await new Promise((r) => setTimeout(r, 20));
      await loop.stop();
      t.same(await events(), ['requested', 'assigned', 'not_accepted', 'assigned', 'not_accepted', 'escalated']);
      const kinds = await w.store.db.selectFrom('incident_action').select('kind').where('incident_id', '=', incident).where('kind', '=', 'dispatch_escalated').execute();
      t.equal(kinds.length, 1, 'dispatch_escalated on the incident');
    });
  });
}
