import t from 'tap';
import { VERIFICATION_PRESETS } from '../../src/verification/verification-policy.js';
import { alarm, callback, guard, kinds, MANAGER, MIN, only, OWNER_HOME, OWNER_MOBILE, PREMISES, Scenario, shop, T0 } from './verification-given.js';

t.test('given a burglary on one zone, when it arrives, then the premises are called back and nothing goes to 110', async (t) => {
  const s = new Scenario();
  const r = s.when(alarm('130', 1));
  t.same(kinds(r), ['start_callback', 'start_timer', 'notify_console']);
  t.match(r.commands[0], { kind: 'start_callback', incidentId: 'inc-1', contact: 'premises', contactOrder: 1, phone: PREMISES });
  t.match(r.commands[1], { kind: 'start_timer', purpose: 'call_answer', at: T0 + 120_000 });
  t.equal(s.state.case?.stage, 'verifying');
});

t.test('the right passcode closes it as a user false alarm: nothing to 110, no guard', async (t) => {
  const s = new Scenario().given([alarm('130', 1)]);
  const r = s.when(callback(s.lastCall().callId, 'passcode'), T0 + MIN);
  t.same(kinds(r), ['answer_caller', 'close_as_false', 'notify_console']);
  t.match(r.commands[0], { reply: 'code_accepted' });
  t.match(only(r.commands, 'close_as_false')[0], { outcome: 'user_false_alarm', evidence: [{ kind: 'callback', result: 'passcode' }, { kind: 'alarm', zone: 1 }] });
  t.equal(only(s.commands, 'forward_110').length, 0);
  t.equal(only(s.commands, 'dispatch_guard').length, 0);
  t.equal(s.state.case?.stage, 'closed');
  t.equal(s.when({ kind: 'timer_expired', timerId: s.lastTimer('call_answer').timerId }, T0 + 2 * MIN).note, 'stale_timer', 'the answered call\'s timer changes nothing');
});

t.test('linked zones (防区联动)', async (t) => {
  t.test('a second, different zone within 30 min confirms: 110 with both zones as evidence, a guard, the calls stopped', async (t) => {
    const s = new Scenario().given([alarm('130', 1)]);
    const r = s.when(alarm('130', 3, T0 + 29 * MIN), T0 + 29 * MIN);
    t.same(kinds(r), ['cancel_callback', 'forward_110', 'dispatch_guard', 'notify_console']);
    const [forward] = only(r.commands, 'forward_110');
    t.match(forward, { level: 'linked_zones', revision: 1, incidentId: 'inc-1' });
    t.same(forward?.evidence.map((e) => e.kind === 'alarm' && e.zone), [1, 3]);
    t.equal(s.state.case?.stage, 'confirmed');
  });
  t.test('the same zone repeating never confirms, however often, and says so once', async (t) => {
    const s = new Scenario().given([alarm('130', 1)]);
    for (let i = 1; i <= 10; i++) {
      const r = s.when(alarm('130', 1, T0 + i * MIN), T0 + i * MIN);
      t.same(kinds(r), i === 1 ? ['notify_console'] : [], `repeat ${i}: ${i === 1 ? 'the notice that it does not confirm' : 'silent, the alarm is on the record'}`);
    }
    t.equal(only(s.commands, 'forward_110').length, 0);
    t.equal(s.state.case?.stage, 'verifying');
  });
  t.test('after confirmation, a new zone is news and a repeat is not', async (t) => {
    const s = new Scenario().given([alarm('130', 1)], [alarm('130', 3, T0 + MIN), T0 + MIN]);
    t.equal(s.state.case?.stage, 'confirmed');
    t.match(s.when(alarm('130', 2, T0 + 2 * MIN), T0 + 2 * MIN).commands, [{ kind: 'notify_console', message: /zone 2.*added to the confirmed incident/i }], 'another detector: the intruder moving');
    t.same(kinds(s.when(alarm('130', 3, T0 + 3 * MIN), T0 + 3 * MIN)), [], 'a zone already on the case: silent');
    t.same(kinds(s.when(alarm('130', 2, T0 + 4 * MIN), T0 + 4 * MIN)), []);
  });
  t.test('a second zone after the window does not confirm', async (t) => {
    const s = new Scenario().given([alarm('130', 1)]);
    const r = s.when(alarm('130', 3, T0 + 31 * MIN), T0 + 31 * MIN);
    t.equal(only(r.commands, 'forward_110').length, 0);
  });
  t.test('the window is configurable to 60 min (BS 8243)', async (t) => {
    const s = new Scenario(VERIFICATION_PRESETS.bs8243_60).given([alarm('130', 1)]);
    t.equal(only(s.when(alarm('130', 3, T0 + 59 * MIN), T0 + 59 * MIN).commands, 'forward_110').length, 1);
  });
  t.test('an alarm naming no zone is never a different detector', async (t) => {
    const s = new Scenario().given([alarm('130', 0)]);
    t.equal(only(s.when(alarm('130', 0, T0 + MIN)).commands, 'forward_110').length, 0);
  });
  t.test('Shanghai rule: two PIRs of different groups do not confirm; same group, or another principle, does', async (t) => {
    const far = new Scenario(VERIFICATION_PRESETS.shanghai).given([alarm('130', 1)]); // PIR, group A
    t.equal(only(far.when(alarm('130', 3, T0 + MIN)).commands, 'forward_110').length, 0, 'office PIR: group B, same principle');
    const adjacent = new Scenario(VERIFICATION_PRESETS.shanghai).given([alarm('130', 1)]);
    t.equal(only(adjacent.when(alarm('130', 6, T0 + MIN)).commands, 'forward_110').length, 1, 'second PIR of group A: adjacent');
    const principle = new Scenario(VERIFICATION_PRESETS.shanghai).given([alarm('130', 3)]); // PIR, group B
    t.equal(only(principle.when(alarm('130', 2, T0 + MIN)).commands, 'forward_110').length, 1, 'door contact: another principle');
  });
});

t.test('ECV: no answer moves down the list; two numbers unanswered before a guard is sent', async (t) => {
  const s = new Scenario().given([alarm('130', 1)]);
  const r1 = s.when(callback(s.lastCall().callId, 'no_answer'), T0 + MIN);
  t.same(kinds(r1), ['start_callback', 'start_timer', 'notify_console'], 'one number unanswered: the next one is called');
  t.match(r1.commands[0], { contact: 'Wang (owner)', phone: OWNER_MOBILE });
  const r2 = s.when(callback(s.lastCall().callId, 'busy', OWNER_MOBILE, 'Wang (owner)'), T0 + 2 * MIN);
  t.same(kinds(r2), ['dispatch_guard', 'notify_console'], 'two different numbers unanswered: a guard');
  t.match(r2.commands[0], { level: 'verify_on_site' });
  t.equal(only(s.commands, 'forward_110').length, 0, 'no answer is no verification: nothing to 110');

  t.test('the same number unanswered twice counts once', async (t) => {
    const s = new Scenario().given([alarm('130', 1)]);
    s.when(callback(null, 'no_answer'), T0 + 30_000); // the operator dialled the premises by hand too
    const r = s.when(callback(s.lastCall().callId, 'no_answer'), T0 + MIN);
    t.same(kinds(r), ['start_callback', 'start_timer', 'notify_console']);
  });
  t.test('a call with no outcome in time counts as not answered, and is cancelled', async (t) => {
    const s = new Scenario().given([alarm('130', 1)]);
    const first = s.lastCall();
    const r = s.when({ kind: 'timer_expired', timerId: s.lastTimer('call_answer').timerId }, T0 + 2 * MIN);
    t.same(kinds(r), ['cancel_callback', 'start_callback', 'start_timer', 'notify_console']);
    t.match(r.commands[0], { callId: first.callId });
    t.equal(s.when(callback(first.callId, 'passcode'), T0 + 3 * MIN).commands.some((c) => c.kind === 'close_as_false'), true, 'a late right passcode still closes it: the person is reached after all');
  });
  t.test('with policy callsBeforeGuard 3, the third number is called first', async (t) => {
    const s = new Scenario({ ...VERIFICATION_PRESETS.standard, burglary: { ...VERIFICATION_PRESETS.standard.burglary, callsBeforeGuard: 3 } }).given([alarm('130', 1)]);
    s.when(callback(s.lastCall().callId, 'no_answer'));
    s.when(callback(s.lastCall().callId, 'no_answer', OWNER_MOBILE));
    t.equal(s.lastCall().phone, OWNER_HOME);
    t.same(kinds(s.when(callback(s.lastCall().callId, 'no_answer', OWNER_HOME))), ['dispatch_guard', 'notify_console']);
    t.not(s.lastCall().phone, MANAGER);
  });
  t.test('a call list of one number: the guard after it; of none: the guard at once', async (t) => {
    const one = new Scenario().given([alarm('130', 1, T0, shopWith([PREMISES]))]);
    t.same(kinds(one.when(callback(one.lastCall().callId, 'no_answer'))), ['dispatch_guard', 'notify_console']);
    const none = new Scenario();
    t.same(kinds(none.when(alarm('130', 1, T0, shopWith([])))), ['dispatch_guard', 'notify_console']);
  });
});

t.test('a guard\'s report decides', async (t) => {
  const dispatched = () => {
    const s = new Scenario().given([alarm('130', 1)]);
    s.when(callback(s.lastCall().callId, 'no_answer'));
    s.when(callback(s.lastCall().callId, 'no_answer', OWNER_MOBILE));
    return s;
  };
  const real = dispatched();
  const r = real.when(guard('real'), T0 + 20 * MIN);
  t.match(only(r.commands, 'forward_110'), [{ level: 'guard_confirmed', evidence: [{ kind: 'guard_report', guardId: 'g7', finding: 'real' }, { kind: 'alarm', zone: 1 }] }]);
  const no = dispatched();
  t.match(only(no.when(guard('false')).commands, 'close_as_false'), [{ outcome: 'device_false_alarm' }]);
  t.equal(only(no.commands, 'forward_110').length, 0, 'guard reports false: nothing to 110');
  const locked = dispatched();
  const rl = locked.when(guard('no_access'));
  t.match(rl.commands[0], { kind: 'notify_console', urgency: 'high' }, 'no access escalates to the operator');
  t.equal(only(rl.commands, 'forward_110').length, 0, 'no access is not a confirmation');
  t.match(only(rl.commands, 'start_callback'), [{ phone: PREMISES }], 'and the list is called again for a keyholder');
});

t.test('a wrong code or a refusal is suspicious', async (t) => {
  const s = new Scenario().given([alarm('130', 1)]);
  const r = s.when(callback(s.lastCall().callId, 'wrong_code'));
  t.same(kinds(r), ['answer_caller', 'dispatch_guard', 'notify_console'], 'policy dispatch (default): a guard looks, nothing to 110 yet');
  t.match(r.commands[0], { reply: 'code_not_accepted' });
  const strict = new Scenario(VERIFICATION_PRESETS.strict_callback).given([alarm('130', 1)]);
  const rs = strict.when(callback(strict.lastCall().callId, 'refused'));
  t.match(only(rs.commands, 'forward_110'), [{ level: 'callback_failed', evidence: [{ kind: 'callback', result: 'refused' }, { kind: 'alarm' }] }], 'policy confirm: forwarded on the refusal');
});

t.test('an operator\'s verdict: real needs evidence and forwards; false closes', async (t) => {
  const s = new Scenario().given([alarm('130', 1)]);
  t.equal(s.when({ kind: 'operator_verdict', incidentId: 'inc-1', operator: 'alice', verdict: 'real', evidence: '  ', forwardedTo110: false }).note, 'evidence_required');
  t.equal(s.commands.filter((c) => c.kind === 'forward_110').length, 0);
  const r = s.when({ kind: 'operator_verdict', incidentId: 'inc-1', operator: 'alice', verdict: 'real', evidence: 'camera 2: two men at the till', forwardedTo110: false });
  t.match(only(r.commands, 'forward_110'), [{ level: 'operator_confirmed', evidence: [{ kind: 'operator', operator: 'alice', note: 'camera 2: two men at the till' }, { kind: 'alarm' }] }]);
  const f = new Scenario().given([alarm('130', 1)]);
  t.match(only(f.when({ kind: 'operator_verdict', incidentId: 'inc-1', operator: 'alice', verdict: 'test', evidence: '', forwardedTo110: false }).commands, 'close_as_false'), [{ outcome: 'test' }]);
});

t.test('inputs for another incident or a closed case change nothing and say why', async (t) => {
  const s = new Scenario();
  t.equal(s.when(guard('real')).note, 'no_open_case');
  s.given([alarm('130', 1)]);
  t.equal(s.when({ ...callback(null, 'duress'), incidentId: 'inc-9' }).note, 'no_open_case');
  t.equal(s.when({ kind: 'timer_expired', timerId: 'inc-1:call_answer:99' }).note, 'stale_timer');
  t.equal(only(s.commands, 'forward_110').length, 0);
});

function shopWith(phones: string[]) {
  return shop({ contacts: phones.length === 0 ? [] : [{ order: 1, name: 'premises', relation: 'premises', phones }] });
}
