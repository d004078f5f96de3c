import t from 'tap';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain.js';
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

    await t.test("a storm's requests are handled together: guards handed out in request order, one order per incident, the rest escalated", async (t) => {
      // The near guard holds the first incident's order; three more come on duty for five new incidents.
      const fresh = [await w.guard('second', '朝阳一区', null), await w.guard('third', '朝阳一区', null), await w.guard('fourth', '朝阳一区', null)];
      const accounts = ['31010', '31011', '31012', '31013', '31014'];
      const incidents: string[] = [];
      for (const account of accounts) {
        await w.customer(account);
        incidents.push(await w.alarm(account));
      }
      // Queued as one consumer batch would: the second incident twice, and a closed one.
      const closedAccount = await w.customer('31015');
      const closed = await w.alarm(closedAccount);
      for (const payload of [{ kind: 'acknowledge' }, { kind: 'close', outcome: 'test', note: 'a test' }]) {
        const res = await w.app.inject({ method: 'POST', url: `/api/incidents/${closed}/actions`, headers: w.as(w.operator), payload });
        t.equal(res.statusCode, 201, `${payload.kind}: ${res.body}`);
      }
      await db.transaction().execute((trx) =>
        w.service.queueRequests(trx, [
          ...incidents.map((incidentId, i) => ({ incidentId, account: accounts[i]!, reason: 'hold-up', requestedBy: 'system', at: w.clock.now })),
          { incidentId: incidents[1]!, account: accounts[1]!, reason: 'again', requestedBy: 'system', at: w.clock.now },
          { incidentId: closed, account: closedAccount, reason: 'hold-up', requestedBy: 'system', at: w.clock.now },
        ]),
      );
      const freeBefore = (await db.selectFrom('guard').select('id').where('status', '=', 'available').where('id', 'in', fresh.map((g) => g.user.id)).execute()).length;
      const published: string[] = [];
      const stop = w.incidentBus.onPublished((id) => published.push(id));
      t.equal(await w.service.drainRequests(), 7, 'all seven handled');
      stop();

      const guardOf = async (incidentId: string) => (await orders(incidentId)).map((o) => ({ guard: o.guard_id, status: o.status }));
      // Guards are handed out in request order while any is free (the earlier scenarios' waiting
      // order takes one of them as they come on duty).
      const got = await Promise.all(incidents.map(async (id) => (await guardOf(id))[0]!));
      const assigned = got.filter((o) => o.status === 'issued');
      t.ok(freeBefore >= 2, `${freeBefore} guards free before the batch`);
      t.same(got.map((o) => o.status), incidents.map((_id, i) => (i < freeBefore ? 'issued' : 'unassigned')), 'the oldest requests get the free guards');
      t.equal(new Set(assigned.map((o) => o.guard)).size, freeBefore, 'each a different one: no guard gets two');
      const escalated = await db.selectFrom('incident_action').select('incident_id').where('kind', '=', 'dispatch_escalated').where('incident_id', 'in', incidents).orderBy('incident_id').execute();
      t.same(escalated.map((e) => e.incident_id), incidents.slice(freeBefore), 'none left for the rest: the order waits, and the operator is told (no_guard_available)');
      const busy = await db.selectFrom('guard').select('status').where('id', 'in', assigned.map((o) => o.guard!)).execute();
      t.same(busy.map((g) => g.status), Array(freeBefore).fill('busy'));

      const handled = await db.selectFrom('dispatch_request').select(['incident_id', 'order_id', 'outcome']).orderBy('id').execute();
      const tail = handled.slice(-7);
      t.same(tail.slice(0, 5).map((r) => r.outcome), Array(5).fill('order created'));
      t.equal(tail[5]!.order_id, tail[1]!.order_id, 'the repeat names the order made for the same incident in the batch');
      t.match(tail[5]!.outcome, /already has dispatch order/);
      t.match(tail[6], { order_id: null, outcome: /is closed: no guard is sent/ });

      const lastAction = await db.selectFrom('incident_action').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
      t.same(published, [String(lastAction.id)], 'one commit: the consoles are woken once, with its last action');
      t.match(await verifyAuditChain(db), { ok: true }, 'every order event and incident action audited, in one chain');
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
