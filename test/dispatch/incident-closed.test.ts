import t from 'tap';
import { INCIDENT_CLOSED_NOTE } from '../../src/dispatch/dispatch-service.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { dispatchWorld } from './dispatch-test-kit.js';

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: a closed incident's order at work is cancelled at the next tick and its guard stood down`, async (t) => {
    const w = await dispatchWorld(t, database);
    const db = w.store.db;
    await w.customer('32000');
    await w.customer('32001');
    const guard = await w.guard('on the way', '朝阳一区', null);
    const incident = await w.alarm('32000');
    const act = (id: string, payload: object) => w.app.inject({ method: 'POST', url: `/api/incidents/${id}/actions`, headers: w.as(w.supervisor), payload });
    t.equal((await act(incident, { kind: 'acknowledge' })).statusCode, 201);
    t.equal((await act(incident, { kind: 'dispatch_guard', note: 'check the back door' })).statusCode, 201);
    const order = () => db.selectFrom('dispatch_order_state').select(['order_id', 'status', 'guard_id', 'state']).where('incident_id', '=', incident).executeTakeFirstOrThrow();
    t.match(await order(), { status: 'issued', guard_id: guard.user.id });
    const accepted = await w.app.inject({ method: 'POST', url: `/api/dispatch-orders/${(await order()).order_id}/accept`, headers: w.as(guard), payload: { etaMin: 10 } });
    t.equal(accepted.statusCode, 200, accepted.body);

    // Another incident's order waits for a guard: none is free.
    const other = await w.alarm('32001');
    await db.transaction().execute((trx) => w.service.requestDispatch(trx, { incidentId: other, account: '32001', reason: 'verify on site', requestedBy: 'system', at: w.clock.now }));

    t.equal((await act(incident, { kind: 'judge', verdict: 'user_false_alarm', evidence: 'the owner called: a cleaner set it off' })).statusCode, 201);
    const closed = await act(incident, { kind: 'close', outcome: 'user_false_alarm', note: 'cleaner' });
    t.equal(closed.statusCode, 201, closed.body);

    t.equal(await w.service.tick(), 2, 'two orders changed: the closed incident\'s, and the waiting one its guard now takes');
    t.match(await order(), { status: 'closed', state: { closedReason: 'cancelled' } });
    const events = await db.selectFrom('dispatch_order_event').select(['kind', 'actor', 'detail']).where('order_id', '=', (await order()).order_id).orderBy('id').execute();
    t.match(events.at(-1), { kind: 'closed', actor: 'system', detail: { reason: 'cancelled', note: INCIDENT_CLOSED_NOTE } });
    t.match(
      await db.selectFrom('dispatch_order_state').select(['status', 'guard_id']).where('incident_id', '=', other).executeTakeFirstOrThrow(),
      { status: 'issued', guard_id: guard.user.id },
      'the stood-down guard is free at once, and goes to the alarm that waited for one',
    );
    const progress = await db.selectFrom('incident_action').select(['kind', 'detail']).where('incident_id', '=', incident).where('kind', '=', 'guard_progress').orderBy('id').execute();
    t.match(progress.at(-1), { detail: { status: 'cancelled' } }, "the closed incident's record shows the stand-down");
    t.equal(await w.service.tick(), 0, 'done once');
  });
}
