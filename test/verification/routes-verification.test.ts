import t from 'tap';
import { VERIFICATION_PRESETS } from '../../src/verification/verification-policy.js';
import { alarm, callback, INCIDENT, kinds, MIN, only, PREMISES, Scenario, shop, T0 } from './verification-given.js';

t.test('emergency: a hold-up never waits', async (t) => {
  for (const [code, zone, what] of [['122', 4, 'silent hold-up'], ['120', 4, 'panic'], ['121', 2, 'duress code at the panel'], ['130', 4, 'a burglary code on the zone typed hold-up']] as const) {
    const s = new Scenario();
    const r = s.when(alarm(code, zone));
    t.same(kinds(r), ['forward_110', 'dispatch_guard', 'notify_console'], `${what}: forwarded and dispatched in the alarm's own step`);
    t.match(r.commands[0], { level: 'emergency', revision: 1, evidence: [{ kind: 'alarm', code }] });
    t.match(r.commands[2], { urgency: 'critical' });
  }
  t.test('even while disarmed (hold-ups happen in opening hours)', async (t) => {
    const s = new Scenario().given([{ kind: 'arming', change: 'disarmed', user: 1, incidentId: null, customer: shop() }]);
    t.equal(only(s.when(alarm('122', 4)).commands, 'forward_110').length, 1);
  });
  t.test('a hold-up during a burglary\'s callback cancels the call to the premises and goes at once', async (t) => {
    const s = new Scenario().given([alarm('130', 1)]);
    const call = s.lastCall();
    const r = s.when(alarm('122', 4, T0 + MIN), T0 + MIN);
    t.same(kinds(r), ['cancel_callback', 'forward_110', 'dispatch_guard', 'notify_console']);
    t.match(r.commands[0], { callId: call.callId });
  });
  t.test('a hold-up after a burglary was forwarded is a new revision: the police learn lives are at risk', async (t) => {
    const s = new Scenario().given([alarm('130', 1)], [alarm('130', 3, T0 + MIN), T0 + MIN]);
    const r = s.when(alarm('122', 4, T0 + 2 * MIN), T0 + 2 * MIN);
    t.match(only(r.commands, 'forward_110'), [{ level: 'emergency', revision: 2 }]);
    t.equal(only(r.commands, 'dispatch_guard').length, 0, 'the guard is already on the way');
    t.match(only(r.commands, 'notify_console'), [{ message: /tell them it is an emergency/ }]);
    t.equal(only(s.when(alarm('120', 4, T0 + 3 * MIN), T0 + 3 * MIN).commands, 'forward_110').length, 0, 'a second emergency adds no revision');
  });
  t.test('the same button again, with 110 and the guard told, is silent: its alarm line says it all; another button is news', async (t) => {
    const s = new Scenario().given([alarm('122', 4)]);
    for (let i = 1; i <= 3; i++) t.same(kinds(s.when(alarm('122', 4, T0 + i * 1000), T0 + i * 1000)), [], `press ${i + 1}: nothing new to do or say`);
    const other = s.when(alarm('120', 2, T0 + 5000), T0 + 5000);
    t.same(kinds(other), ['notify_console'], 'a second button: a notice, no second forward or guard');
    t.match(other.commands[0], { urgency: 'critical', message: /zone 2.*already with 110, a guard is already on the way/ });
  });
});

t.test('a duress code on the callback confirms silently', async (t) => {
  const duress = new Scenario().given([alarm('130', 1)]);
  const passcode = new Scenario().given([alarm('130', 1)]);
  const rd = duress.when(callback(duress.lastCall().callId, 'duress'), T0 + MIN);
  const rp = passcode.when(callback(passcode.lastCall().callId, 'passcode'), T0 + MIN);
  t.same(only(rd.commands, 'answer_caller').map((c) => c.reply), only(rp.commands, 'answer_caller').map((c) => c.reply), 'the caller hears exactly what the right passcode gets');
  t.match(only(rd.commands, 'forward_110'), [{ level: 'callback_duress', evidence: [{ kind: 'callback', result: 'duress', phone: PREMISES }, { kind: 'alarm' }] }], '110 is told, with the call as evidence');
  t.match(only(rd.commands, 'dispatch_guard'), [{ level: 'callback_duress' }], 'the guard is told');
  const consoleLines = only(rd.commands, 'notify_console');
  t.match(consoleLines, [{ message: /^Confirmed by callback/ }], 'the console says confirmed');
  for (const c of rd.commands.filter((c) => c.kind !== 'forward_110' && c.kind !== 'dispatch_guard')) t.notMatch(JSON.stringify(c), /duress/i, `${c.kind} does not reveal duress`);
  const strict = new Scenario(VERIFICATION_PRESETS.strict_callback).given([alarm('130', 1)]);
  const rw = strict.when(callback(strict.lastCall().callId, 'wrong_code'));
  t.same(only(rw.commands, 'notify_console').map((c) => c.message), consoleLines.map((c) => c.message), 'the console line is the same as any confirmation by callback');
  t.equal(only(duress.when(alarm('130', 1, T0 + 2 * MIN), T0 + 2 * MIN).commands, 'start_callback').length, 0, 'nobody calls the premises again');
});

t.test('fire', async (t) => {
  t.test('residential (default): the premises are called, 110 and a guard at 90 s without the right passcode', async (t) => {
    const s = new Scenario();
    const r = s.when(alarm('111', 5));
    t.same(kinds(r), ['start_timer', 'start_callback', 'start_timer', 'notify_console']);
    t.match(r.commands[0], { purpose: 'fire_callback', at: T0 + 90_000 });
    t.equal(s.lastCall().phone, PREMISES);
    const late = s.when({ kind: 'timer_expired', timerId: s.lastTimer('fire_callback').timerId }, T0 + 90_000);
    t.same(kinds(late), ['cancel_callback', 'dispatch_guard', 'forward_110', 'notify_console']);
    t.match(only(late.commands, 'forward_110'), [{ level: 'fire', evidence: [{ kind: 'no_verification_in_time', waitedS: 90 }, { kind: 'alarm', zone: 5 }] }]);
  });
  t.test('no answer dispatches and forwards at once', async (t) => {
    const s = new Scenario().given([alarm('111', 5)]);
    t.match(only(s.when(callback(s.lastCall().callId, 'no_answer'), T0 + 20_000).commands, 'forward_110'), [{ level: 'fire' }]);
  });
  t.test('the right passcode in time closes it; the deadline then changes nothing', async (t) => {
    const s = new Scenario().given([alarm('111', 5)]);
    const timer = s.lastTimer('fire_callback').timerId;
    s.when(callback(s.lastCall().callId, 'passcode'), T0 + 30_000);
    t.equal(s.when({ kind: 'timer_expired', timerId: timer }, T0 + 90_000).note, 'stale_timer');
    t.equal(only(s.commands, 'forward_110').length, 0);
  });
  t.test('a second fire detector confirms at once', async (t) => {
    const s = new Scenario().given([alarm('111', 5)]);
    t.match(only(s.when(alarm('111', 8, T0 + 10_000), T0 + 10_000).commands, 'forward_110'), [{ level: 'fire', evidence: [{ zone: 5 }, { zone: 8 }] }]);
  });
  t.test('once confirmed, the notice says what this alarm did; the same detector again says nothing', async (t) => {
    const s = new Scenario().given([alarm('111', 5)]);
    const confirmed = s.when(alarm('111', 8, T0 + 10_000), T0 + 10_000);
    t.match(only(confirmed.commands, 'notify_console'), [{ urgency: 'critical', message: /Guard dispatched, forwarded to 110/ }]);
    t.same(kinds(s.when(alarm('111', 8, T0 + 20_000), T0 + 20_000)), [], 'zone 8 again: silent');
    t.same(kinds(s.when(alarm('111', 5, T0 + 30_000), T0 + 30_000)), [], 'zone 5 again: silent');
    const smoke = shop({ zones: [...shop().zones, { account: '1234', number: 9, name: 'office smoke', location: 'office', type: 'fire', principle: 'smoke', linkedGroup: null }] });
    const third = s.when(alarm('111', 9, T0 + 40_000, smoke), T0 + 40_000);
    t.same(kinds(third), ['notify_console'], 'a third detector: news, but no second guard or forward');
    t.match(third.commands[0], { message: /A guard is already on the way, already with 110/ });
  });
  t.test('commercial preset: dispatch and forward first', async (t) => {
    const s = new Scenario(VERIFICATION_PRESETS.commercial_fire);
    t.same(kinds(s.when(alarm('110', 5))), ['dispatch_guard', 'forward_110', 'notify_console']);
  });
});

t.test('medical forwards at once, without a callback', async (t) => {
  const r = new Scenario().when(alarm('100', 9));
  t.same(kinds(r), ['forward_110', 'notify_console']);
  t.match(r.commands[0], { level: 'medical' });
});

t.test('troubles, tamper and environmental alarms never reach 110', async (t) => {
  const trouble = new Scenario().when(alarm('302', 0, T0, shop(), null)); // low battery, no incident
  t.same(kinds(trouble), ['open_maintenance_ticket', 'notify_console']);
  t.match(trouble.commands[0], { dedupeKey: '1234:contact-id:302:-', code: '302' });
  t.match(trouble.commands[1], { urgency: 'low', incidentId: null });
  t.same(kinds(new Scenario().when(alarm('137', 1))), ['open_maintenance_ticket', 'notify_console'], 'tamper');
  t.same(kinds(new Scenario().when(alarm('154', 9))), ['notify_console'], 'water leakage: the operator calls the customer');
  t.same(kinds(new Scenario().when(alarm('777', 9))), ['notify_console'], 'an unknown code: the operator decides');
  const restore = new Scenario().when(alarm('130', 1, T0, shop(), INCIDENT, '3'));
  t.same([kinds(restore), restore.note], [[], 'not_an_alarm'], 'a restore');
});

t.test('the contract: on test, suspended, disarmed', async (t) => {
  const onTest = shop({ serviceStatus: 'on_test', onTest: { from: '2026-11-23T13:00:00Z', until: '2026-11-23T15:00:00Z' } });
  for (const [code, zone] of [['122', 4], ['130', 1], ['111', 5]] as const) {
    const r = new Scenario().when(alarm(code, zone, T0, onTest, null));
    t.same([r.commands, r.note], [[], 'on_test'], `${code} on test: logged only`);
  }
  const afterTest = new Scenario().when(alarm('122', 4, T0 + 61 * MIN, onTest));
  t.equal(only(afterTest.commands, 'forward_110').length, 1, 'once the on-test span has ended, alarms are real again');

  for (const serviceStatus of ['suspended', 'decommissioned'] as const) {
    const r = new Scenario().when(alarm('122', 4, T0, shop({ serviceStatus })));
    t.same(kinds(r), ['notify_console'], `${serviceStatus}: the console is told`);
    t.match(r.commands[0], { urgency: 'critical', message: /not forwarded/ });
    t.equal(r.note, 'not_in_service');
  }
  t.equal(new Scenario().when({ ...alarm('130', 1), customer: undefined, zone: null }).note, 'not_in_service', 'no customer card: nothing to forward to');

  const disarmed = new Scenario().given([{ kind: 'arming', change: 'disarmed', user: 1, incidentId: null, customer: shop() }]);
  const r = disarmed.when(alarm('130', 1));
  t.same([kinds(r), r.note], [['notify_console'], 'disarmed'], 'an intrusion zone while disarmed: a low notice');
  t.match(r.commands[0], { urgency: 'low' });
  t.same(kinds(disarmed.when(alarm('130', 7))), ['start_callback', 'start_timer', 'notify_console'], 'a 24h zone (the safe) is verified even while disarmed');
  disarmed.when({ kind: 'arming', change: 'armed', user: 1, incidentId: null, customer: shop() });
  t.equal(disarmed.state.arming, 'armed');
});

t.test('opening and closing outside the schedule: a low notice', async (t) => {
  // Mon–Fri 09:00–18:00 Beijing time; T0 is Monday 22:00 there.
  const customer = shop({ schedule: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '18:00' })) });
  const open = (at: number) => new Scenario().when({ kind: 'arming', change: 'disarmed', user: 3, incidentId: null, customer }, at);
  t.match(open(T0).commands, [{ kind: 'notify_console', urgency: 'low', incidentId: null, message: /Opening \(disarmed\) by user 3 outside the schedule/ }]);
  t.same(open(T0 - 12 * 60 * MIN - 5 * MIN).commands, [], '09:55 on Monday: inside the window');
  t.same(open(T0 - 13 * 60 * MIN - 10 * MIN).commands, [], '08:50: within the 15 min grace');
  t.equal(open(T0 - 13 * 60 * MIN - 20 * MIN).commands.length, 1, '08:40: outside');
  t.equal(open(T0 + 5 * 24 * 60 * MIN - 12 * 60 * MIN).commands.length, 1, 'Saturday 10:00: no window that day');
  t.same(new Scenario().when({ kind: 'arming', change: 'disarmed', user: 3, incidentId: null, customer: shop() }).commands, [], 'no schedule: never outside');
});
