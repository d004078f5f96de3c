import t from 'tap';
import { TEST_DATABASES } from '../helpers/databases.js';
import { dispatchWorld } from './dispatch-test-kit.js';

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the verification engine's guard requests are queued with its decision and become orders in the worker's own transactions`, async (t) => {
    const w = await dispatchWorld(t, database);
    const db = w.store.db;
    await w.customer('31000');
    await w.customer('31001');
    const guard = await w.guard('near', '朝阳一区', null);
    const incident = await w.alarm('31000');
    const queue = (incidentId: string, account: string) =>
      db.transaction().execute((trx) => w.service.queueRequests(trx, [{ incidentId, account, reason: 'linked zones 1 and 3', requestedBy: 'system', at: w.clock.now }]));
    const requests = () => db.selectFrom('dispatch_request').select(['incident_id', 'order_id', 'outcome', 'handled_at']).orderBy('id').execute();
    const orders = (incidentId: string) => db.selectFrom('dispatch_order_state').select(['order_id', 'guard_id', 'status']).where('incident_id', '=', incidentId).execute();

    await t.test('queued, nothing is dispatched until the worker runs; then the order is the one a direct request makes', async (t) => {
      await queue(incident, '31000');
      t.same(await orders(incident), [], 'the deciding transaction chose no guard');
      const published: string[] = [];
      const stop = w.incidentBus.onPublished((id) => published.push(id));
      t.equal(await w.service.drainRequests(), 1);
      stop();
      const [order] = await orders(incident);
      t.match(order, { guard_id: guard.user.id, status: 'issued' });
      t.match(await requests(), [{ incident_id: incident, order_id: order!.order_id, outcome: 'order created', handled_at: Date }]);
      const assigned = await db.selectFrom('incident_action').select('id').where('incident_id', '=', incident).where('kind', '=', 'guard_assigned').execute();
      t.equal(assigned.length, 1, 'guard_assigned on the incident');
      t.same(published, [assigned[0]!.id], 'the live consoles are woken after the commit');
      t.equal(await w.service.drainRequests(), 0, 'handled once');
    });

    await t.test('a second request while the order is at work makes none, and says why', async (t) => {
      await queue(incident, '31000');
      t.equal(await w.service.drainRequests(), 1);
      const [order] = await orders(incident);
      const last = (await requests()).at(-1)!;
      t.equal(last.order_id, order!.order_id, 'it names the order at work');
      t.match(last.outcome, /already has dispatch order/);
      t.equal((await orders(incident)).length, 1);
    });

    await t.test('a request that fails is recorded as failed and does not hold up the ones behind it', async (t) => {
      const other = await w.alarm('31001');
      await queue(other, '31000'); // names another account than the incident's: refused
      await queue(other, '31001');
      t.equal(await w.service.drainRequests(), 2);
      const [failed, good] = (await requests()).slice(-2);
      t.match(failed, { order_id: null, outcome: 'failed: internal error', handled_at: Date });
      t.match(good, { outcome: 'order created' });
      t.equal((await orders(other)).length, 1);
    });

    await t.test('started (on the leader), a kick after the commit is enough', async (t) => {
      await w.customer('31002');
      const third = await w.alarm('31002');
      w.service.start();
      await queue(third, '31002');
      w.service.kick();
      for (let i = 0; i < 200 && (await orders(third)).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await w.service.stop();
      t.equal((await orders(third)).length, 1, 'the order exists without a drain called by hand');
    });
  });
}
