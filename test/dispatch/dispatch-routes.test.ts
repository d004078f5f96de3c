import t, { type Test } from 'tap';
import WebSocket from 'ws';
import { rebuildDispatchState, loadOrder } from '../../src/dispatch/dispatch-store.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { dispatchWorld, FAR, MIN, NEAR, T0, type DispatchWorld, type Who } from './dispatch-test-kit.js';

type Order = { id: string; status: string; guardId: string | null; escalated: string[]; incidentId: string };
type Action = { kind: string; actor: string; detail: Record<string, unknown> };

/** A guard's live channel over a real socket: every message, and a way to wait for one. */
async function liveChannel(t: Test, url: string) {
  const ws = new WebSocket(url);
  const messages: { type: string; [k: string]: unknown }[] = [];
  const waiters: { match: (m: { type: string; [k: string]: unknown }) => boolean; resolve: (m: unknown) => void }[] = [];
  ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as { type: string };
    messages.push(m);
    for (const w of [...waiters]) {
      if (!w.match(m)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  });
  t.teardown(() => ws.close());
  const next = <M>(match: (m: { type: string; [k: string]: unknown }) => boolean) =>
    new Promise<M>((resolve) => {
      const seen = messages.find(match);
      if (seen) return resolve(seen as M);
      waiters.push({ match, resolve: resolve as (m: unknown) => void });
    });
  await next((m) => m.type === 'orders');
  return { ws, messages, next };
}

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: guard dispatch over HTTP and WebSocket`, async (t) => {
    const w: DispatchWorld = await dispatchWorld(t, database);
    const { app, as } = w;
    const act = (incident: string, who: Who, payload: object) => app.inject({ method: 'POST', url: `/api/incidents/${incident}/actions`, headers: as(who), payload });
    const guardDoes = (order: string, who: Who, step: string, payload: object = {}) => app.inject({ method: 'POST', url: `/api/dispatch-orders/${order}/${step}`, headers: as(who), payload });
    const history = async (incident: string) => (await app.inject({ url: `/api/incidents/${incident}`, headers: as(w.operator) })).json<{ actions: Action[] }>().actions;
    const dispatchKinds = async (incident: string) => (await history(incident)).filter((a) => /^(guard_|dispatch_escalated)/.test(a.kind)).map((a) => [a.kind, a.detail.status ?? a.detail.reason ?? a.detail.finding ?? a.detail.guardName ?? null]);
    const orderOf = async (id: string) => (await app.inject({ url: `/api/dispatch-orders/${id}`, headers: as(w.operator) })).json<{ order: Order; events: { kind: string }[] }>();

    await w.customer('20000', { guardArea: '朝阳一区' });
    const inArea = await w.guard('wang', '朝阳一区', FAR);
    const nearby = await w.guard('li', '海淀', NEAR);
    const offDuty = await w.guard('zhao', '朝阳一区', NEAR, 'off_duty');
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const liveUrl = (who: Who) => `${address.replace('http', 'ws')}/api/guard/live?token=${who.token}`;

    const incident = await w.alarm('20000');
    t.equal((await act(incident, w.operator, { kind: 'acknowledge' })).statusCode, 201);
    let orderId = '';

    await t.test('the operator\'s dispatch creates the order in the same command: the in-area available guard gets it', async (t) => {
      const res = await act(incident, w.operator, { kind: 'dispatch_guard', note: 'vault door' });
      t.equal(res.statusCode, 201);
      const body = res.json<{ actions: Action[]; dispatch: { orderId: string; created: boolean } }>();
      t.same(body.actions.map((a) => a.kind), ['dispatch_requested', 'guard_assigned']);
      t.match(body.actions[1]!.detail, { guardId: inArea.user.id, predictedArrivalAt: T0 + 20 * MIN, contractedArrivalAt: null });
      t.match(body.dispatch, { created: true });
      orderId = body.dispatch.orderId;
      const mine = (await app.inject({ url: '/api/guard/orders', headers: as(inArea) })).json<{ guard: { status: string }; orders: Order[] }>();
      t.match(mine, { guard: { status: 'busy' }, orders: [{ id: orderId, status: 'issued', incidentId: incident, site: { customerName: 'customer 20000', area: '朝阳一区' } }] });
      t.same((await app.inject({ url: '/api/guard/orders', headers: as(offDuty) })).json<{ orders: Order[] }>().orders, [], 'never an off-duty guard');

      const again = await act(incident, w.operator, { kind: 'dispatch_guard', note: 'again' });
      t.equal(again.statusCode, 201);
      t.match(again.json(), { actions: [{ kind: 'dispatch_requested' }], dispatch: { created: false, orderId, message: /already has dispatch order/ } }, 'one order at work per incident: a no-op that says so');
      t.equal(again.json<{ actions: unknown[] }>().actions.length, 1);
    });

    await t.test('not accepted in time: the order goes to the next guard, and both guards\' channels hear it', async (t) => {
      const first = await liveChannel(t, liveUrl(inArea));
      const second = await liveChannel(t, liveUrl(nearby));
      t.match(first.messages.find((m) => m.type === 'orders'), { orders: [{ id: orderId, status: 'issued' }] });
      t.match(second.messages.find((m) => m.type === 'orders'), { orders: [] });

      w.clock.now = T0 + 119_000;
      t.equal(await w.service.tick(), 0, 'not yet');
      w.clock.now = T0 + 121_000;
      t.equal(await w.service.tick(), 1);
      const removed = await first.next<{ orderId: string; reason: string }>((m) => m.type === 'order_removed');
      t.match(removed, { orderId, reason: 'reassigned' });
      const given = await second.next<{ order: Order }>((m) => m.type === 'order');
      t.match(given.order, { id: orderId, status: 'issued', guardId: nearby.user.id });
      t.same(await dispatchKinds(incident), [['guard_assigned', 'Test guard wang-1'], ['guard_progress', 'not_accepted'], ['guard_assigned', 'Test guard li-2']]);

      const late = await guardDoes(orderId, inArea, 'accept');
      t.equal(late.statusCode, 403);
      t.equal(late.json().error.code, 'ORDER_NOT_ASSIGNED_TO_YOU', 'the first guard cannot take it back');
    });

    await t.test('a guard acts only on their own order, and only in order', async (t) => {
      const early = await guardDoes(orderId, nearby, 'report', { finding: 'real' });
      t.equal(early.statusCode, 409);
      t.equal(early.json().error.code, 'INVALID_TRANSITION');
      t.equal((await guardDoes(orderId, nearby, 'on-scene')).json().error.code, 'INVALID_TRANSITION');
      t.equal((await guardDoes('999999', nearby, 'accept')).json().error.code, 'ORDER_NOT_FOUND');
      t.equal((await guardDoes(orderId, nearby, 'report', { finding: 'maybe' })).json().error.code, 'BAD_REQUEST');
      t.equal((await guardDoes(orderId, w.operator, 'accept')).statusCode, 403, 'an operator is not a guard');
      t.equal((await app.inject({ method: 'PUT', url: '/api/guard/status', headers: as(nearby), payload: { status: 'off_duty' } })).json().error.code, 'GUARD_HAS_OPEN_ORDER');
    });

    await t.test('the guard reports real: incident action and the engine hear it in the same transaction', async (t) => {
      const channel = await liveChannel(t, liveUrl(nearby));
      w.clock.now = T0 + 3 * MIN;
      t.match((await guardDoes(orderId, nearby, 'accept', { etaMin: 8 })).json(), { order: { status: 'accepted', predictedArrivalAt: new Date(T0 + 11 * MIN).toISOString() } });
      await channel.next((m) => m.type === 'order' && (m.order as Order).status === 'accepted');
      t.equal((await guardDoes(orderId, nearby, 'en-route')).statusCode, 200);
      w.clock.now = T0 + 9 * MIN;
      t.equal((await guardDoes(orderId, nearby, 'on-scene')).statusCode, 200);
      const res = await guardDoes(orderId, nearby, 'report', { finding: 'real', note: 'vault door forced' });
      t.equal(res.statusCode, 200);
      t.match(res.json(), { order: { status: 'reported', finding: 'real' } });
      t.match(w.reports, [{ report: { incidentId: incident, orderId, guardId: nearby.user.id, finding: 'real', note: 'vault door forced', at: T0 + 9 * MIN }, sawOwnAction: true }]);
      t.same((await dispatchKinds(incident)).slice(3), [['guard_progress', 'accepted'], ['guard_progress', 'en_route'], ['guard_progress', 'on_scene'], ['guard_reported', 'real']]);
      t.match((await app.inject({ url: '/api/guard/orders', headers: as(nearby) })).json(), { guard: { status: 'available' }, orders: [{ id: orderId, status: 'reported' }] }, 'free again; the order stays in view until closed');

      const closed = await app.inject({ method: 'POST', url: `/api/dispatch-orders/${orderId}/close`, headers: as(w.operator), payload: { note: 'police took over' } });
      t.match(closed.json(), { order: { status: 'closed', closedReason: 'completed' } });
      t.match(await channel.next((m) => m.type === 'order_removed'), { orderId, reason: 'closed' });
    });

    await t.test('the engine fails on the report: nothing of the report is recorded', async (t) => {
      await w.customer('20001');
      const second = await w.alarm('20001');
      await act(second, w.operator, { kind: 'acknowledge' });
      const channel = await liveChannel(t, liveUrl(nearby));
      const order = (await act(second, w.operator, { kind: 'dispatch_guard', guardId: nearby.user.id })).json<{ dispatch: { orderId: string } }>().dispatch.orderId;
      await channel.next((m) => m.type === 'order' && (m.order as Order).id === order); // through the incident bus: the operator's transaction
      t.match(await orderOf(order), { order: { guardId: nearby.user.id }, events: [{ kind: 'requested' }, { kind: 'assigned', detail: { by: 'operator' } }] }, 'the guard the operator named');
      for (const step of ['accept', 'on-scene']) t.equal((await guardDoes(order, nearby, step)).statusCode, 200);
      w.hook.fail = true;
      const failed = await guardDoes(order, nearby, 'report', { finding: 'false', note: 'cat' });
      t.equal(failed.statusCode, 500);
      t.match(await orderOf(order), { order: { status: 'on_scene', finding: null } }, 'rolled back');
      t.notOk((await history(second)).some((a) => a.kind === 'guard_reported'));
      t.notOk((await w.store.db.selectFrom('audit_log').select('seq').where('action', '=', 'dispatch.reported').where('subject_id', '=', order).executeTakeFirst()), 'no audit row either');

      const retried = await guardDoes(order, nearby, 'report', { finding: 'false', note: 'cat' });
      t.equal(retried.statusCode, 200);
      t.match((await history(second)).filter((a) => a.kind === 'guard_reported'), [{ actor: nearby.user.id, detail: { orderId: order, finding: 'false', note: 'cat' } }], 'guard reports false: the action, once');
      t.match(w.reports.at(-1), { report: { orderId: order, finding: 'false' }, sawOwnAction: true });
    });

    await t.test('a late arrival escalates to the operator once', async (t) => {
      await w.customer('20002', { guardArea: '海淀' });
      const contract = await app.inject({ method: 'PUT', url: `/api/customers/${(await w.store.db.selectFrom('account').select('customer_id').where('number', '=', '20002').executeTakeFirstOrThrow()).customer_id}/contracted-arrival`, headers: as(w.admin), payload: { minutes: 15 } });
      t.equal(contract.statusCode, 200);
      w.clock.now = T0 + 60 * MIN;
      const third = await w.alarm('20002');
      await act(third, w.operator, { kind: 'acknowledge' });
      const res = await act(third, w.operator, { kind: 'dispatch_guard' });
      t.match(res.json(), { actions: [{ kind: 'dispatch_requested' }, { kind: 'guard_assigned', detail: { guardId: nearby.user.id, contractedArrivalAt: T0 + 75 * MIN } }] }, 'the guard of the customer\'s area');
      const order = res.json<{ dispatch: { orderId: string } }>().dispatch.orderId;
      t.equal((await guardDoes(order, nearby, 'accept')).statusCode, 200);
      w.clock.now = T0 + 75 * MIN;
      await w.service.tick();
      t.same(await dispatchKinds(third), [['guard_assigned', 'Test guard li-2'], ['guard_progress', 'accepted']], 'on the minute is in time');
      w.clock.now = T0 + 76 * MIN;
      await w.service.tick();
      w.clock.now = T0 + 77 * MIN;
      await w.service.tick();
      t.equal((await guardDoes(order, nearby, 'on-scene')).statusCode, 200);
      t.same((await dispatchKinds(third)).filter(([k]) => k === 'dispatch_escalated'), [['dispatch_escalated', 'late_arrival']], 'once');
      t.match(await orderOf(order), { order: { escalated: ['late_arrival'] }, events: [{}, {}, {}, { kind: 'escalated' }, { kind: 'on_scene', detail: { late: true } }] });
    });

    await t.test('no guard available: the operator is told at once, and the first guard on duty gets it', async (t) => {
      await w.customer('20003');
      const fourth = await w.alarm('20003');
      await act(fourth, w.operator, { kind: 'acknowledge' });
      // wang is free, li holds the late order: take wang off duty too.
      t.equal((await app.inject({ method: 'PUT', url: '/api/guard/status', headers: as(inArea), payload: { status: 'off_duty' } })).statusCode, 200);
      const unknown = await act(fourth, w.operator, { kind: 'dispatch_guard', guardId: '00000000-0000-4000-8000-000000000000' });
      t.equal(unknown.statusCode, 404);
      t.equal(unknown.json().error.code, 'GUARD_NOT_FOUND');
      t.equal((await act(fourth, w.operator, { kind: 'dispatch_guard', guardId: inArea.user.id })).json().error.code, 'GUARD_OFF_DUTY');
      t.notOk((await history(fourth)).some((a) => a.kind === 'dispatch_requested'), 'a refused dispatch leaves no request behind');
      const res = await act(fourth, w.operator, { kind: 'dispatch_guard' });
      t.match(res.json(), { actions: [{ kind: 'dispatch_requested' }, { kind: 'dispatch_escalated', detail: { reason: 'no_guard_available' } }], dispatch: { created: true } });
      const order = res.json<{ dispatch: { orderId: string } }>().dispatch.orderId;
      const on = await app.inject({ method: 'PUT', url: '/api/guard/status', headers: as(offDuty), payload: { status: 'available', position: NEAR } });
      t.match(on.json(), { guard: { status: 'available', position: NEAR } });
      await w.service.tick();
      t.match(await orderOf(order), { order: { status: 'issued', guardId: offDuty.user.id } });
    });

    await t.test('the engine\'s request runs in the caller\'s transaction: rolled back, nothing is left', async (t) => {
      await w.customer('20004');
      const fifth = await w.alarm('20004');
      const before = await w.store.db.selectFrom('dispatch_order').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      await t.rejects(
        w.store.db.transaction().execute(async (trx) => {
          const r = await w.service.requestDispatch(trx, { incidentId: fifth, account: '20004', reason: 'verify on site', requestedBy: 'system', at: w.clock.now });
          t.equal(r.created, true);
          throw new Error('the shell failed later');
        }),
      );
      const after = await w.store.db.selectFrom('dispatch_order').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      t.equal(Number(after.n), Number(before.n));
      const made = await w.store.db.transaction().execute((trx) => w.service.requestDispatch(trx, { incidentId: fifth, account: '20004', reason: 'verify on site', requestedBy: 'system', at: w.clock.now }));
      t.match(made, { created: true, order: { requestedBy: 'system', reason: 'verify on site' } });
      const twice = await w.store.db.transaction().execute((trx) => w.service.requestDispatch(trx, { incidentId: fifth, account: '20004', reason: 'again', requestedBy: 'system', at: w.clock.now }));
      t.match(twice, { created: false, order: { id: made.order!.id }, message: /already has dispatch order/ });
    });

    await t.test('the history rebuilds the derived state exactly', async (t) => {
      const snapshot = async () => (await w.store.db.selectFrom('dispatch_order_state').selectAll().orderBy('order_id').execute()).map((r) => ({ ...r, state: r.state }));
      const before = await snapshot();
      t.ok(before.length >= 5);
      for (const row of before) t.same((await loadOrder(w.store.db, row.order_id))!.order, row.state, `order ${row.order_id}: the fold is the row`);
      t.equal(await rebuildDispatchState(w.store.db), before.length);
      t.same(await snapshot(), before);
      await t.rejects(w.store.db.updateTable('dispatch_order_event' as never).set({ actor: 'x' } as never).execute(), 'history is append-only');
      await t.rejects(w.store.db.deleteFrom('dispatch_order' as never).execute());
    });

    await t.test('who may read and write', async (t) => {
      const get = (url: string, who: Who) => app.inject({ url, headers: as(who) });
      t.equal((await get('/api/guards', w.operator)).json<{ guards: unknown[] }>().guards.length, 3);
      t.equal((await get(`/api/dispatch-orders?incidentId=${incident}`, w.supervisor)).json<{ orders: unknown[] }>().orders.length, 1);
      t.ok((await get('/api/dispatch-orders?status=active', w.operator)).json<{ orders: Order[] }>().orders.every((o) => ['unassigned', 'issued', 'accepted', 'en_route', 'on_scene'].includes(o.status)));
      t.equal((await get('/api/dispatch-orders', inArea)).statusCode, 403, 'a guard sees only their own orders');
      t.equal((await get(`/api/dispatch-orders/${orderId}`, nearby)).statusCode, 403);
      t.same((await get('/api/dispatch-orders', w.police)).json(), { orders: [] }, 'police read only orders of incidents forwarded to 110');
      t.equal((await get(`/api/dispatch-orders/${orderId}`, w.police)).json().error.code, 'ORDER_NOT_FOUND');
      for (const [method, url, payload] of [
        ['POST', `/api/dispatch-orders/${orderId}/accept`, {}],
        ['POST', `/api/dispatch-orders/${orderId}/assign`, { guardId: nearby.user.id }],
        ['POST', `/api/dispatch-orders/${orderId}/close`, {}],
        ['POST', '/api/guards', { userId: nearby.user.id }],
        ['PUT', '/api/guard/status', { status: 'available' }],
      ] as const) {
        t.equal((await app.inject({ method, url, headers: as(w.police), payload })).statusCode, 403, `police may not ${method} ${url}`);
      }
      t.equal((await app.inject({ method: 'POST', url: '/api/guards', headers: as(w.operator), payload: { userId: nearby.user.id } })).statusCode, 403, 'an operator does not register guards');
      t.equal((await app.inject({ method: 'POST', url: '/api/guards', headers: as(w.supervisor), payload: { userId: nearby.user.id } })).json().error.code, 'GUARD_EXISTS');
      t.equal((await app.inject({ method: 'POST', url: '/api/guards', headers: as(w.supervisor), payload: { userId: w.operator.user.id } })).json().error.code, 'NOT_A_GUARD_USER');
      const ws = new WebSocket(liveUrl(w.operator)).on('error', () => {});
      const refused = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).on('open', () => resolve(101)));
      t.equal(refused, 403, 'the guard channel is for guards');
    });
  });
}
