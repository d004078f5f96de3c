import t from 'tap';
import { chooseGuard, type GuardCandidate } from '../../src/dispatch/choose-guard.js';
import { decideOrder, openOrder, type DispatchPolicy, type OrderEffect } from '../../src/dispatch/decide-order.js';
import { foldOrder, nextDueAt, type DispatchOrder, type NewOrderEvent, type OrderHeader, type OrderSite } from '../../src/dispatch/dispatch-order.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const MIN = 60_000;
const policy: DispatchPolicy = { acceptTimeoutMs: 120_000, predictedArrivalMs: 20 * MIN };
const header: OrderHeader = { id: '7', incidentId: '42', account: '10000', requestedAt: T0, reason: 'vault door', requestedBy: 'op-1' };
const bank: OrderSite = { customerName: 'bank', address: '88 Chaoyang Rd', area: 'chaoyang-1', position: { lat: 39.9219, lng: 116.4836 } };

const guard = (id: string, over: Partial<GuardCandidate> = {}): GuardCandidate => ({ id, name: `guard ${id}`, area: null, position: null, availableSince: T0 - 3600_000, ...over });
const near = { lat: 39.925, lng: 116.49 }; // about 0.6 km from the bank
const far = { lat: 39.99, lng: 116.3 }; // about 17 km

/** Applies a decision that must succeed, keeping the whole history for the fold check. */
function run(order: DispatchOrder, history: NewOrderEvent[], input: Parameters<typeof decideOrder>[1], now: number) {
  const d = decideOrder(order, input, now, policy);
  if (!d.ok) throw new Error(`refused: ${d.code}`);
  history.push(...d.events);
  return d;
}
const kinds = (effects: OrderEffect[]) => effects.map((e) => (e.kind === 'incident_action' ? `${e.action.kind}` : e.kind === 'guard_status' ? `${e.guardId}:${e.status}` : e.kind));

t.test('choosing a guard: the customer\'s area first, then the nearest, then the longest available; never one excluded', async (t) => {
  const inArea = guard('a', { area: 'chaoyang-1', position: far });
  const nearer = guard('b', { area: 'haidian', position: near });
  t.equal(chooseGuard([nearer, inArea], bank, new Set())?.id, 'a', 'same area beats distance');
  t.equal(chooseGuard([guard('c', { area: 'chaoyang-1', position: far }), guard('d', { area: 'chaoyang-1', position: near })], bank, new Set())?.id, 'd', 'within the area, the nearer');
  t.equal(chooseGuard([guard('e', { area: 'chaoyang-1' }), guard('f', { area: 'chaoyang-1', position: far })], bank, new Set())?.id, 'f', 'a known distance beats an unknown one');
  t.equal(chooseGuard([guard('g', { availableSince: T0 - 60_000 }), guard('h', { availableSince: T0 - 600_000 })], { ...bank, position: null }, new Set())?.id, 'h', 'then the longest available');
  t.equal(chooseGuard([inArea, nearer], bank, new Set(['a']))?.id, 'b', 'never one who declined or timed out');
  t.equal(chooseGuard([inArea], bank, new Set(['a'])), undefined);
});

t.test('a new order goes to the best guard, with the predicted and contracted arrival', async (t) => {
  const opened = openOrder(header, { site: bank, contractedArrivalAt: T0 + 15 * MIN, guard: null, candidates: [guard('b', { area: 'haidian', position: near }), guard('a', { area: 'chaoyang-1' })] }, T0, policy);
  t.match(opened.order, { status: 'issued', guardId: 'a', acceptBy: T0 + 120_000, predictedArrivalAt: T0 + 20 * MIN, contractedArrivalAt: T0 + 15 * MIN, offered: ['a'] });
  t.same(opened.events.map((e) => e.kind), ['requested', 'assigned']);
  t.same(kinds(opened.effects), ['a:busy', 'notify_guard', 'guard_assigned']);
  t.match(opened.effects.find((e) => e.kind === 'incident_action'), { action: { kind: 'guard_assigned', actor: 'system', detail: { orderId: '7', guardId: 'a', guardName: 'guard a', predictedArrivalAt: T0 + 20 * MIN } } });
  t.equal(nextDueAt(opened.order), T0 + 120_000, 'the timer looks at the acceptance deadline first');

  const none = openOrder(header, { site: bank, contractedArrivalAt: null, guard: null, candidates: [] }, T0, policy);
  t.match(none.order, { status: 'unassigned', guardId: null, escalated: ['no_guard_available'] });
  t.match(none.effects, [{ kind: 'incident_action', action: { kind: 'dispatch_escalated', detail: { orderId: '7', reason: 'no_guard_available' } } }]);
  t.equal(nextDueAt(none.order), null, 'nothing to time without a guard or a contract');

  const named = openOrder(header, { site: bank, contractedArrivalAt: null, guard: guard('z', { area: 'far-away' }), candidates: [] }, T0, policy);
  t.match(named.order, { status: 'issued', guardId: 'z' }, 'the guard the operator named');
  t.match(named.events[1], { kind: 'assigned', detail: { by: 'operator' } });
});

t.test('not accepted in time: the next guard, never back; with nobody left, the operator', async (t) => {
  const history: NewOrderEvent[] = [];
  const candidates = [guard('a', { area: 'chaoyang-1' }), guard('b', { position: near }), guard('c')];
  const opened = openOrder(header, { site: bank, contractedArrivalAt: null, guard: null, candidates }, T0, policy);
  history.push(...opened.events);
  let order = opened.order;

  const early = run(order, history, { kind: 'tick', candidates: candidates.slice(1) }, T0 + 119_999);
  t.same(early.events, [], 'before the deadline: nothing');

  const timedOut = run(order, history, { kind: 'tick', candidates: [...candidates.slice(1), guard('a', { area: 'chaoyang-1' })] }, T0 + 120_000);
  order = timedOut.order;
  t.same(timedOut.events.map((e) => e.kind), ['not_accepted', 'assigned']);
  t.match(order, { status: 'issued', guardId: 'b', refused: ['a'], offered: ['a', 'b'], acceptBy: T0 + 240_000 }, 'the nearer of the rest (a is free again, but refused)');
  t.same(kinds(timedOut.effects), ['guard_progress', 'a:available', 'notify_guard', 'b:busy', 'notify_guard', 'guard_assigned']);

  const declined = run(order, history, { kind: 'decline', guardId: 'b', note: 'flat tyre', candidates }, T0 + 130_000);
  order = declined.order;
  t.match(order, { status: 'issued', guardId: 'c', refused: ['a', 'b'] });

  const last = run(order, history, { kind: 'tick', candidates }, T0 + 250_000);
  order = last.order;
  t.match(order, { status: 'unassigned', guardId: null, escalated: ['not_accepted'] }, 'everyone asked: the operator is told');
  t.same(run(order, history, { kind: 'tick', candidates }, T0 + 260_000).events, [], 'and told once, while nobody new is free');

  const fresh = run(order, history, { kind: 'tick', candidates: [...candidates, guard('d')] }, T0 + 270_000);
  order = fresh.order;
  t.match(order, { status: 'issued', guardId: 'd' }, 'a guard coming on duty takes the waiting order');
  t.same(foldOrder(header, history), { ...order, lastEventId: null }, 'the history folds to the same order');
});

t.test('the guard\'s steps, in order, and only by the guard who holds the order', async (t) => {
  const history: NewOrderEvent[] = [];
  const opened = openOrder(header, { site: bank, contractedArrivalAt: null, guard: null, candidates: [guard('a')] }, T0, policy);
  history.push(...opened.events);
  let order = opened.order;
  const refused = (input: Parameters<typeof decideOrder>[1]) => {
    const d = decideOrder(order, input, T0 + 1000, policy);
    return d.ok ? 'ok' : d.code;
  };
  t.equal(refused({ kind: 'accept', guardId: 'b' }), 'ORDER_NOT_ASSIGNED_TO_YOU');
  t.equal(refused({ kind: 'en_route', guardId: 'a' }), 'INVALID_TRANSITION', 'accept first');
  t.equal(refused({ kind: 'report', guardId: 'a', finding: 'real', note: '' }), 'INVALID_TRANSITION');

  order = run(order, history, { kind: 'accept', guardId: 'a', etaMin: 12 }, T0 + 30_000).order;
  t.match(order, { status: 'accepted', acceptBy: null, predictedArrivalAt: T0 + 30_000 + 12 * MIN }, 'the guard\'s ETA replaces the prediction');
  t.equal(refused({ kind: 'accept', guardId: 'a' }), 'INVALID_TRANSITION', 'accepted once');
  order = run(order, history, { kind: 'en_route', guardId: 'a' }, T0 + 60_000).order;
  order = run(order, history, { kind: 'on_scene', guardId: 'a' }, T0 + 10 * MIN).order;
  t.match(order, { status: 'on_scene', arrivedAt: T0 + 10 * MIN, escalated: [] });
  t.equal(refused({ kind: 'decline', guardId: 'a', note: '', candidates: [] }), 'INVALID_TRANSITION', 'no declining once on site');

  const reported = run(order, history, { kind: 'report', guardId: 'a', finding: 'real', note: 'back door forced' }, T0 + 12 * MIN);
  order = reported.order;
  t.match(order, { status: 'reported', finding: 'real', reportNote: 'back door forced' });
  t.same(kinds(reported.effects), ['guard_reported', 'guard_report', 'a:available', 'notify_guard'], 'the engine hears it; the guard is free');

  const closed = run(order, history, { kind: 'close', actor: 'op-1', note: 'police on site' }, T0 + 30 * MIN);
  order = closed.order;
  t.match(order, { status: 'closed', closedReason: 'completed' });
  t.equal(refused({ kind: 'tick', candidates: [] }), 'ORDER_CLOSED');
  t.same(foldOrder(header, history), { ...order, lastEventId: null });
});

t.test('a late arrival escalates once: noticed by the timer or at arrival', async (t) => {
  const history: NewOrderEvent[] = [];
  const opened = openOrder(header, { site: bank, contractedArrivalAt: T0 + 15 * MIN, guard: null, candidates: [guard('a')] }, T0, policy);
  history.push(...opened.events);
  let order = run(opened.order, history, { kind: 'accept', guardId: 'a' }, T0 + 60_000).order;
  t.equal(nextDueAt(order), T0 + 15 * MIN + 1, 'the contract, not the later prediction');
  t.same(run(order, history, { kind: 'tick', candidates: [] }, T0 + 15 * MIN).events, [], 'on the minute is not late');
  const late = run(order, history, { kind: 'tick', candidates: [] }, T0 + 15 * MIN + 1);
  order = late.order;
  t.same(late.events.map((e) => [e.kind, e.detail]), [['escalated', { reason: 'late_arrival' }]]);
  t.equal(nextDueAt(order), null);
  t.same(run(order, history, { kind: 'tick', candidates: [] }, T0 + 16 * MIN).events, [], 'once');
  const arrived = run(order, history, { kind: 'on_scene', guardId: 'a' }, T0 + 18 * MIN);
  t.same(arrived.events.map((e) => [e.kind, e.detail]), [['on_scene', { guardId: 'a', late: true }]], 'recorded late, not escalated again');

  // Without a contract the prediction is the deadline; an arrival past it that the timer missed escalates on arrival.
  const h2: NewOrderEvent[] = [];
  const o2 = openOrder(header, { site: bank, contractedArrivalAt: null, guard: null, candidates: [guard('a')] }, T0, policy);
  h2.push(...o2.events);
  let order2 = run(o2.order, h2, { kind: 'accept', guardId: 'a' }, T0 + 60_000).order;
  const lateArrival = run(order2, h2, { kind: 'on_scene', guardId: 'a' }, T0 + 25 * MIN);
  order2 = lateArrival.order;
  t.same(lateArrival.events.map((e) => e.kind), ['on_scene', 'escalated']);
  t.match(order2, { escalated: ['late_arrival'] });
  t.same(foldOrder(header, h2), { ...order2, lastEventId: null });
});

t.test('an operator gives the order to another guard, or closes it before the report', async (t) => {
  const history: NewOrderEvent[] = [];
  const opened = openOrder(header, { site: bank, contractedArrivalAt: null, guard: null, candidates: [guard('a')] }, T0, policy);
  history.push(...opened.events);
  let order = run(opened.order, history, { kind: 'accept', guardId: 'a' }, T0 + 60_000).order;
  t.equal(decideOrder(order, { kind: 'assign', actor: 'op-1', guard: guard('a') }, T0, policy).ok, false, 'not to the same guard');
  const moved = run(order, history, { kind: 'assign', actor: 'op-1', guard: guard('b') }, T0 + 90_000);
  order = moved.order;
  t.same(moved.events.map((e) => e.kind), ['withdrawn', 'assigned']);
  t.match(order, { status: 'issued', guardId: 'b', refused: [] });
  t.same(kinds(moved.effects), ['guard_progress', 'a:available', 'notify_guard', 'b:busy', 'notify_guard', 'guard_assigned']);
  const cancelled = run(order, history, { kind: 'close', actor: 'op-1', note: 'customer called: false alarm' }, T0 + 100_000);
  t.match(cancelled.order, { status: 'closed', closedReason: 'cancelled' });
  t.same(kinds(cancelled.effects), ['guard_progress', 'b:available', 'notify_guard']);
});
