import t from 'tap';
import { decide } from '../../src/incidents/decide.js';
import { decideSignal, type SignalDecision, type SignalInput } from '../../src/incidents/decide-signal.js';
import type { NewAction } from '../../src/incidents/incident-action.js';
import type { Actor, IncidentCommand } from '../../src/incidents/incident-command.js';
import { eventPriority } from '../../src/incidents/incident-priority.js';
import { foldIncident, evolve, type IncidentState } from '../../src/incidents/incident-state.js';
import { signalEffect } from '../../src/incidents/signal-effect.js';
import type { AlarmEvent } from '../../src/protocols/alarm-event.js';
import { cid, customerCard, sia } from './incident-events.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const header = { id: '1', account: '1234', customerId: 'c1', openedAt: T0, openingSeq: '10' };
const alice: Actor = { id: 'alice', role: 'operator' };
const bob: Actor = { id: 'bob', role: 'operator' };
const sue: Actor = { id: 'sue', role: 'supervisor' };

const input = (event: AlarmEvent, overrides: Partial<SignalInput> = {}): SignalInput => ({ event, seq: '10', receivedAt: T0, customer: customerCard(), ...overrides });

/** Given the signals so far (the first opens), the incident they make. */
function givenSignals(...events: AlarmEvent[]): IncidentState {
  let state: IncidentState | undefined;
  for (const event of events) {
    const d = decideSignal(state, input(event), T0);
    if (d.kind === 'none') continue;
    state = state === undefined ? foldIncident(header, d.actions) : d.actions.reduce(evolve, state);
  }
  if (state === undefined) throw new Error('nothing opened');
  return state;
}

/** Given an incident and commands that succeed, in order. */
function given(state: IncidentState, ...steps: [IncidentCommand, Actor][]): IncidentState {
  for (const [command, actor] of steps) {
    const d = decide(state, command, actor, T0 + 10_000);
    if (!d.ok) throw new Error(`given step ${command.kind} refused: ${d.code}`);
    state = d.actions.reduce(evolve, state);
  }
  return state;
}

const kinds = (actions: NewAction[]) => actions.map((a) => a.kind);
const kindsOf = (d: SignalDecision) => (d.kind === 'none' ? d.reason : `${d.kind}:${kinds(d.actions).join(',')}`);
const take = { kind: 'take' } as const;
const ack = { kind: 'acknowledge' } as const;
const close = (outcome: Extract<IncidentCommand, { kind: 'close' }>['outcome'] = 'real', note = 'guard found a broken window'): IncidentCommand => ({ kind: 'close', outcome, note });

t.test('priority: from the code tables\' categories, emergencies first', async (t) => {
  const cases: [AlarmEvent, string][] = [
    [cid('121'), 'emergency'], // duress
    [cid('122'), 'emergency'], // silent hold-up
    [cid('120'), 'emergency'], // panic
    [cid('146'), 'emergency'], // silent burglary: a hold-up in practice
    [sia('HA002')[0]!, 'emergency'],
    [sia('PA002')[0]!, 'emergency'],
    [cid('110'), 'fire'],
    [sia('FA003')[0]!, 'fire'],
    [cid('100'), 'medical'],
    [sia('MA001')[0]!, 'medical'],
    [cid('130'), 'burglary'],
    [cid('140'), 'burglary'], // general alarm
    [cid('151'), 'burglary'], // gas: 24-hour non-burglary ranks with intrusion
    [sia('BA005')[0]!, 'burglary'],
    [cid('137'), 'tamper'],
    [cid('144'), 'tamper'],
    [sia('TA005')[0]!, 'tamper'],
    [cid('777'), 'other'], // an unknown code
    [cid('301'), 'other'],
  ];
  for (const [event, priority] of cases) t.equal(eventPriority(event), priority, `${event.protocol} ${event.code} ${event.description}`);
});

t.test('what each event class does', async (t) => {
  t.equal(signalEffect(cid('130')), 'alarm', 'an alarm opens or joins');
  t.equal(signalEffect(cid('777')), 'alarm', 'an unknown code reaches an operator');
  t.equal(signalEffect(cid('130', '3')), 'restore');
  t.equal(signalEffect(sia('BR005')[0]!), 'restore');
  t.equal(signalEffect(cid('130', '6')), 'log', 'a status report of an alarm already reported');
  t.equal(signalEffect(cid('401', '1')), 'disarm', 'an opening');
  t.equal(signalEffect(cid('401', '3')), 'log', 'a closing');
  t.equal(signalEffect(cid('301')), 'log', 'a trouble');
  t.equal(signalEffect(cid('200')), 'log', 'a supervisory');
  t.equal(signalEffect(cid('602')), 'log', 'a periodic test');
  t.equal(signalEffect(cid('570')), 'log', 'a bypass');
  t.equal(signalEffect(cid('423')), 'log', 'access control');
});

t.test('signals: open, join, raise, log, clear', async (t) => {
  t.equal(kindsOf(decideSignal(undefined, input(cid('130')), T0)), 'open:opened', 'given no open incident, when a burglary comes, then it opens one');
  t.equal(kindsOf(decideSignal(undefined, input(cid('301')), T0)), 'logged', 'a trouble opens nothing');
  t.equal(kindsOf(decideSignal(undefined, input(cid('130', '3')), T0)), 'logged', 'a restore with nothing open: the journal has it');

  const burglary = givenSignals(cid('130', '1', 5));
  t.equal(burglary.priority, 'burglary');
  t.equal(kindsOf(decideSignal(burglary, input(cid('130', '1', 6)), T0)), 'append:alarm_joined', 'a second alarm of the account joins');
  const joined = decideSignal(burglary, input(cid('122', '1', 2)), T0);
  t.equal(kindsOf(joined), 'append:alarm_joined,priority_raised', 'a hold-up joining a burglary raises it');
  t.equal(givenSignals(cid('130'), cid('122')).priority, 'emergency');
  t.equal(givenSignals(cid('122'), cid('130')).priority, 'emergency', 'a lesser alarm never lowers it');

  t.equal(kindsOf(decideSignal(burglary, input(cid('301')), T0)), 'append:signal_logged', 'a trouble during an incident is shown on it');
  const two = givenSignals(cid('130', '1', 5), cid('130', '1', 6));
  t.equal(kindsOf(decideSignal(two, input(cid('130', '3', 5)), T0)), 'append:signal_logged', 'one zone of two restored: not cleared');
  const restored = givenSignals(cid('130', '1', 5), cid('130', '1', 6), cid('130', '3', 5), cid('130', '3', 6));
  t.ok(restored.cleared, 'every zone restored: cleared');
  t.same(restored.zonesInAlarm, []);
  t.ok(givenSignals(cid('130'), cid('401', '1')).cleared, 'disarmed: cleared');
  t.notOk(givenSignals(cid('130'), cid('401', '1'), cid('131', '1', 7)).cleared, 'a new alarm after clearing is in alarm again');
});

t.test('signals: what the customer\'s standing does', async (t) => {
  const onTest = customerCard({ serviceStatus: 'on_test', onTest: { from: '2026-11-23T07:00:00Z', until: '2026-11-23T09:00:00Z' } });
  t.equal(kindsOf(decideSignal(undefined, input(cid('130'), { customer: onTest }), T0)), 'on_test', 'an alarm inside the test span opens nothing');
  t.equal(kindsOf(decideSignal(undefined, input(cid('130'), { customer: onTest, receivedAt: Date.parse('2026-11-23T09:00:00Z') }), T0)), 'open:opened', 'after the span it is real again');
  const open = givenSignals(cid('130'));
  const logged = decideSignal(open, input(cid('122'), { customer: onTest }), T0);
  t.equal(kindsOf(logged), 'append:signal_logged', 'on test with an incident open: shown there, priority untouched');

  const noCard = decideSignal(undefined, input(cid('130'), { customer: undefined }), T0);
  t.match(noCard, { kind: 'open', customerId: null, actions: [{ kind: 'opened', detail: { customer: 'no_customer_card' } }] }, 'no customer card: an incident all the same, marked');
  for (const serviceStatus of ['suspended', 'decommissioned'] as const) {
    const d = decideSignal(undefined, input(cid('130'), { customer: customerCard({ serviceStatus }) }), T0);
    t.match(d, { kind: 'open', actions: [{ kind: 'opened', detail: { customer: serviceStatus } }] }, `${serviceStatus}: an incident, marked`);
  }
});

t.test('commands: taking and holding', async (t) => {
  const fresh = givenSignals(cid('130'));
  const taken = decide(fresh, take, alice, T0 + 5_000);
  t.match(taken, { ok: true, actions: [{ kind: 'taken', actor: 'alice' }] });
  const held = given(fresh, [take, alice]);
  t.equal(held.owner, 'alice');
  t.match(decide(held, take, bob, T0), { ok: false, code: 'HELD_BY_OTHER' }, 'an operator may not take over');
  t.match(decide(held, ack, bob, T0), { ok: false, code: 'HELD_BY_OTHER' }, 'nor act on what another holds');
  t.match(decide(held, take, alice, T0), { ok: false, code: 'ALREADY_HELD' });
  const over = decide(held, take, sue, T0);
  t.match(over, { ok: true, actions: [{ kind: 'taken', detail: { from: 'alice' } }] }, 'a supervisor takes over, and the action says from whom');
  t.equal(given(held, [take, sue]).owner, 'sue');
  t.match(decide(fresh, { kind: 'dispatch_guard', guardId: null, note: '' }, alice, T0), { ok: false, code: 'NOT_TAKEN' });
});

t.test('commands: acknowledge, then act', async (t) => {
  const fresh = givenSignals(cid('130'));
  const acked = decide(fresh, ack, alice, T0 + 12_000);
  t.ok(acked.ok);
  t.same(acked.ok && kinds(acked.actions), ['taken', 'acknowledged'], 'acknowledging what nobody holds takes it too');
  t.match(acked.ok && acked.actions[1], { detail: { receivedAt: T0, eventClass: 'alarm', priority: 'burglary' } }, 'with what the receipt → acknowledgement metric needs');
  const held = given(fresh, [take, alice]);
  t.match(decide(held, { kind: 'record_callback', contact: 'Mr Li', phone: '13800000000', result: 'reached', passcodeVerified: true, note: '' }, alice, T0), { ok: false, code: 'NOT_ACKNOWLEDGED' });
  const mine = given(fresh, [ack, alice]);
  t.match(decide(mine, ack, alice, T0), { ok: false, code: 'ALREADY_ACKNOWLEDGED' });
  const after = given(mine,
    [{ kind: 'record_callback', contact: 'Mr Li', phone: '13800000000', result: 'no_answer', passcodeVerified: null, note: '' }, alice],
    [{ kind: 'dispatch_guard', guardId: 'g7', note: 'rear door' }, alice]);
  t.equal(after.callbacks, 1);
  t.equal(after.dispatchRequests, 1);
});

t.test('commands: judging and 110', async (t) => {
  const burglary = given(givenSignals(cid('130')), [ack, alice]);
  t.match(decide(burglary, { kind: 'forward_110', note: '' }, alice, T0), { ok: false, code: 'NOT_JUDGED' }, 'a burglary goes to 110 only once judged real');
  t.match(decide(burglary, { kind: 'judge', verdict: 'real', evidence: '  ' }, alice, T0), { ok: false, code: 'EVIDENCE_REQUIRED' });
  const falseAlarm = given(burglary, [{ kind: 'judge', verdict: 'device_false_alarm', evidence: '' }, alice]);
  t.ok(falseAlarm.judged);
  t.match(decide(falseAlarm, { kind: 'forward_110', note: '' }, alice, T0), { ok: false, code: 'NOT_REAL' });
  const real = given(burglary, [{ kind: 'judge', verdict: 'real', evidence: 'guard saw the broken window' }, alice]);
  const fwd = decide(real, { kind: 'forward_110', note: 'two men seen' }, alice, T0);
  t.match(fwd, { ok: true, actions: [{ kind: 'forward_110_requested', detail: { verdict: 'real', evidence: 'guard saw the broken window', priority: 'burglary' } }] }, 'the request carries its evidence');
  const forwarded = given(real, [{ kind: 'forward_110', note: '' }, alice]);
  t.ok(forwarded.forwardedTo110);
  t.match(decide(forwarded, { kind: 'forward_110', note: '' }, alice, T0), { ok: false, code: 'ALREADY_FORWARDED' });

  const holdUp = given(givenSignals(cid('122')), [ack, alice]);
  t.match(decide(holdUp, { kind: 'forward_110', note: '' }, alice, T0), { ok: true }, 'a hold-up goes to 110 at once, unjudged');
});

t.test('commands: closing', async (t) => {
  const acked = given(givenSignals(cid('130')), [ack, alice]);
  t.match(decide(acked, { kind: 'close', outcome: null, note: 'x' }, alice, T0), { ok: false, code: 'OUTCOME_REQUIRED' });
  t.match(decide(acked, { kind: 'close', outcome: 'real', note: ' ' }, alice, T0), { ok: false, code: 'NOTE_REQUIRED' });
  const closed = given(acked, [close('user_false_alarm', 'the owner forgot to disarm'), alice]);
  t.match(closed, { status: 'closed', handled: true, outcome: 'user_false_alarm', judged: true, verdict: 'user_false_alarm' }, 'closing handles it, and its outcome is the final judgement');
  for (const command of [take, ack, close()] as IncidentCommand[]) t.match(decide(closed, command, sue, T0), { ok: false, code: 'INCIDENT_CLOSED' }, `${command.kind} on a closed incident`);
  const undetermined = given(acked, [close('undetermined', 'no answer, guard found nothing'), alice]);
  t.match(undetermined, { handled: true, judged: false, verdict: null }, 'undetermined is handled, not judged');
});

t.test('the fold: replaying the actions gives the same state', async (t) => {
  const first = decideSignal(undefined, input(cid('130')), T0);
  if (first.kind !== 'open') throw new Error('expected open');
  const actions: NewAction[] = [...first.actions];
  let state = foldIncident(header, actions);
  const push = (more: NewAction[]) => { actions.push(...more); state = more.reduce(evolve, state); };
  const sig = decideSignal(state, input(cid('122', '1', 2)), T0);
  if (sig.kind === 'append') push(sig.actions);
  for (const command of [ack, { kind: 'forward_110', note: '' }, close('real', 'police arrested one')] as IncidentCommand[]) {
    const d = decide(state, command, alice, T0 + 1000);
    if (d.ok) push(d.actions);
  }
  t.equal(actions.length, 7);
  t.same(foldIncident(header, actions), state);
  t.throws(() => foldIncident(header, actions.slice(1)), /first action is not 'opened'/);
});
