import t from 'tap';
import { alarm, closed, guard, kinds, MIN, only, Scenario, T0, verdict } from './verification-given.js';

/** A burglary confirmed by a second zone 5 min after the first: forwarded to 110 as linked zones. */
const forwarded = () => new Scenario().given([alarm('130', 1)], [alarm('130', 3, T0 + 5 * MIN), T0 + 5 * MIN]);

t.test('given a forwarded incident, when the operator judges it false, then it is closed and withdrawn at 110', async (t) => {
  const s = forwarded();
  t.equal(only(s.commands, 'forward_110').length, 1);
  const r = s.when(verdict('user_false_alarm', 'the owner forgot to disarm'), T0 + 12 * MIN);
  t.same(kinds(r), ['close_as_false', 'cancel_110', 'notify_console']);
  t.same(only(r.commands, 'cancel_110'), [{ kind: 'cancel_110', incidentId: 'inc-1', account: '1234', reason: 'judged a user false alarm by alice' }], 'the reason names the outcome and who judged it');
  t.match(only(r.commands, 'close_as_false'), [{ outcome: 'user_false_alarm', evidence: [{ kind: 'operator', at: T0 + 12 * MIN, operator: 'alice' }] }], 'decided at the time it was given');
  const [notice] = only(r.commands, 'notify_console');
  t.match(notice?.message, /^Judged user false alarm by alice: closed; the report to 110 is withdrawn at 110\.$/);
  t.notMatch(notice?.message, /due/, 'no longer "a cancel is due": it is done');
  t.equal(s.state.case?.stage, 'closed');
  t.equal(s.when(verdict('test'), T0 + 13 * MIN).note, 'no_open_case', 'a second verdict on the closed case withdraws nothing more');
  t.match(only(forwarded().when(verdict('test'), T0 + 12 * MIN).commands, 'cancel_110'), [{ reason: 'judged a test by alice' }], 'a test too');
});

t.test('given an incident that never went to 110, a false verdict closes it and withdraws nothing', async (t) => {
  const s = new Scenario().given([alarm('130', 1)]);
  const r = s.when(verdict('device_false_alarm'), T0 + MIN);
  t.same(only(r.commands, 'cancel_110'), []);
  t.match(only(r.commands, 'close_as_false'), [{ outcome: 'device_false_alarm' }]);
  t.match(only(r.commands, 'notify_console'), [{ urgency: 'low', message: 'Judged device false alarm by alice: closed.' }]);
});

t.test('real, or undetermined, withdraws nothing', async (t) => {
  const judged = forwarded();
  const r = judged.when(verdict('real', 'camera 2: a man at the till'), T0 + 12 * MIN);
  t.same(only(r.commands, 'cancel_110'), [], 'judged real: 110 keeps it');
  t.equal(only(r.commands, 'forward_110').length, 0, 'already with 110');
  for (const outcome of ['real', 'undetermined'] as const) {
    const s = forwarded();
    const c = s.when(closed(outcome, true), T0 + 20 * MIN);
    t.same(c.commands, [], `closed as ${outcome}: nothing to 110`);
    t.equal(s.state.case?.stage, 'closed', 'but the case is done with');
  }
});

t.test('given a forwarded incident, when the operator closes it as false or a test, then it is withdrawn at 110', async (t) => {
  const s = forwarded();
  s.when(guard('false'), T0 + 20 * MIN);
  t.same(only(s.commands, 'cancel_110'), [], "a guard's false finding after the forward: the operator decides");
  t.match(only(s.commands, 'notify_console').at(-1), { message: /closed as false, it is withdrawn at 110/ });
  const r = s.when(closed('device_false_alarm', true), T0 + 25 * MIN);
  t.same(kinds(r), ['cancel_110'], 'no notice: the incident is closed already, the uplink says how 110 took it');
  t.match(r.commands[0], { incidentId: 'inc-1', reason: 'closed as a device false alarm by bob' });
  t.same(s.state.case?.timers, []);
  t.match(only(forwarded().when(closed('test', false), T0 + 6 * MIN).commands, 'cancel_110'), [{ reason: 'closed as a test by bob' }], "the engine's own forward is enough");
});

t.test("the operator's own forward, which the engine's case does not know of, is withdrawn too", async (t) => {
  const verifying = new Scenario().given([alarm('130', 1)]);
  t.match(only(verifying.when(verdict('user_false_alarm', '', true), T0 + MIN).commands, 'cancel_110'), [{ reason: 'judged a user false alarm by alice' }], 'a case not confirmed, an incident forwarded by hand');

  const none = new Scenario(); // an incident the engine never verified (a customer not in service, say)
  const r = none.when(closed('user_false_alarm', true), T0 + MIN);
  t.same(r.commands, [{ kind: 'cancel_110', incidentId: 'inc-1', account: '1234', reason: 'closed as a user false alarm by bob' }]);
  t.equal(r.note, null, 'it acted');
  t.equal(none.state.case, null, 'and keeps no case for it');
  const never = new Scenario().when(closed('user_false_alarm', false), T0 + MIN);
  t.same([never.commands, never.note], [[], 'no_open_case'], 'never forwarded: nothing');
  t.same(new Scenario().when(closed('real', true), T0 + MIN).commands, [], 'forwarded, closed as real: nothing');
});
