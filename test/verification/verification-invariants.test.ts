import t from 'tap';
import { alarmRoute } from '../../src/verification/alarm-route.js';
import { decideVerification } from '../../src/verification/decide-verification.js';
import type { Evidence } from '../../src/verification/evidence.js';
import type { VerificationCommand } from '../../src/verification/verification-command.js';
import type { VerificationInput, VerificationCallResult } from '../../src/verification/verification-input.js';
import { BURGLARY_LEVELS, threatensLife, type VerificationLevel } from '../../src/verification/verification-level.js';
import { VERIFICATION_PRESETS, type VerificationPolicy } from '../../src/verification/verification-policy.js';
import { MAX_EVIDENCE, MAX_ZONES } from '../../src/verification/verification-state.js';
import { OUTCOMES } from '../../src/incidents/incident-action.js';
import { isFalseOutcome } from '../../src/verification/withdraw-report.js';
import { alarm, OWNER_MOBILE, PREMISES, Scenario, shop, T0 } from './verification-given.js';

/** A small seeded generator (mulberry32): the walks are random but every run is the same. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const CODES = ['130', '130', '130', '131', '132', '122', '120', '121', '111', '100', '302', '137', '154', '130'];
const RESULTS: VerificationCallResult[] = ['passcode', 'duress', 'wrong_code', 'refused', 'no_answer', 'busy', 'no_answer'];

interface Walk { scenario: Scenario; inputs: [VerificationInput, number][] }

/** A random walk of inputs: alarms on random zones, answers to real and made-up calls, timers fired on time, late, twice or never, guards, verdicts, arming, and now and then a new incident. */
function walk(seed: number, policy: VerificationPolicy): Walk {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const s = new Scenario(policy);
  const inputs: [VerificationInput, number][] = [];
  let now = T0;
  let incident = 1;
  const customer = shop();
  for (let i = 0; i < 60; i++) {
    now += Math.floor(next() * 20 * 60_000);
    const incidentId = `inc-${incident}`;
    const roll = next();
    let input: VerificationInput;
    if (roll < 0.35) input = { ...alarm(pick(CODES), pick([0, 1, 2, 3, 4, 5, 6, 7, 8]), now, customer), incidentId };
    else if (roll < 0.6) {
      const pending = s.state.case?.pendingCall;
      input = { kind: 'callback_outcome', incidentId, callId: next() < 0.8 ? pending?.callId ?? null : 'inc-1:call:999', contact: 'someone', phone: pending?.phone ?? pick([PREMISES, OWNER_MOBILE]), result: pick(RESULTS) };
    } else if (roll < 0.75) {
      const timers = s.commands.filter((c) => c.kind === 'start_timer');
      const timer = timers.length > 0 ? pick(timers) : undefined;
      if (timer === undefined) continue;
      now = Math.max(now, timer.at);
      input = { kind: 'timer_expired', timerId: timer.timerId };
    } else if (roll < 0.83) input = { kind: 'guard_report', incidentId, guardId: 'g1', finding: pick(['real', 'false', 'no_access'] as const), note: '' };
    else if (roll < 0.88) input = { kind: 'operator_verdict', incidentId, operator: 'alice', verdict: pick(['real', 'user_false_alarm', 'device_false_alarm', 'test'] as const), evidence: pick(['', 'camera 1 shows a person']), forwardedTo110: false };
    else if (roll < 0.95) input = { kind: 'arming', change: pick(['armed', 'disarmed'] as const), user: 1, incidentId: null, customer };
    else {
      // The operator closes it (now and then after a forward of their own); the next alarm opens another.
      input = { kind: 'incident_closed', incidentId, operator: 'bob', outcome: pick(OUTCOMES), forwardedTo110: next() < 0.2 };
      incident += 1;
    }
    inputs.push([input, now]);
    s.when(input, now);
  }
  return { scenario: s, inputs };
}

/** What the first evidence of a forward must be, level by level. */
function decidedBy(level: VerificationLevel, evidence: Evidence[]): boolean {
  const [first, second] = evidence;
  switch (level) {
    case 'linked_zones':
      return first?.kind === 'alarm' && second?.kind === 'alarm' && first.zone !== null && second.zone !== null && first.zone !== second.zone;
    case 'callback_duress':
      return first?.kind === 'callback' && first.result === 'duress';
    case 'callback_failed':
      return first?.kind === 'callback' && (first.result === 'wrong_code' || first.result === 'refused');
    case 'guard_confirmed':
      return first?.kind === 'guard_report' && first.finding === 'real';
    case 'operator_confirmed':
      return first?.kind === 'operator' && first.note !== '';
    case 'emergency':
    case 'medical':
      return first?.kind === 'alarm';
    case 'fire':
      return first !== undefined;
  }
}

const WALKS = 300;
const policies = Object.values(VERIFICATION_PRESETS);

t.test(`invariants over ${WALKS} random walks of every preset`, async (t) => {
  let forwards = 0;
  let emergencies = 0;
  let duressCalls = 0;
  let cancels = 0;
  const failures = new Set<string>();
  const fail = (what: string) => failures.add(what);
  for (let seed = 1; seed <= WALKS; seed++) {
    const policy = policies[seed % policies.length]!;
    const { scenario, inputs } = walk(seed, policy);
    const seen = new Set<string>();
    const lifeForwarded = new Set<string>();
    const lastLevel = new Map<string, VerificationLevel>();
    const reported = new Set<string>();
    scenario.results.forEach((result, i) => {
      const [input] = inputs[i]!;
      const forwardsHere = result.commands.filter((c): c is Extract<VerificationCommand, { kind: 'forward_110' }> => c.kind === 'forward_110');
      for (const f of forwardsHere) {
        forwards += 1;
        if (f.evidence.length === 0) fail('a forward without evidence');
        if (!decidedBy(f.level, f.evidence)) fail(`a ${f.level} forward not decided by its evidence`);
        if (!threatensLife(f.level) && !BURGLARY_LEVELS.includes(f.level)) fail(`an unverified forward: ${f.level}`);
        const key = `${f.incidentId}#${f.revision}`;
        if (seen.has(key)) fail('two forwards of one incident revision');
        seen.add(key);
        // A new revision only when a threat to life follows a forward that was not one.
        const previous = lastLevel.get(f.incidentId);
        if (previous !== undefined && (threatensLife(previous) || !threatensLife(f.level))) fail(`forwarded again: ${previous} then ${f.level}`);
        lastLevel.set(f.incidentId, f.level);
        if (threatensLife(f.level)) lifeForwarded.add(f.incidentId);
      }
      // A report at 110 (the engine's forward, or one by hand) is withdrawn when, and only when, the incident closes as false.
      for (const f of forwardsHere) reported.add(f.incidentId);
      const closedAs = input.kind === 'incident_closed' ? input.outcome : result.commands.find((x) => x.kind === 'close_as_false')?.outcome;
      const byHand = (input.kind === 'incident_closed' || input.kind === 'operator_verdict') && input.forwardedTo110;
      const withdrawals = result.commands.filter((x) => x.kind === 'cancel_110');
      cancels += withdrawals.length;
      if ('incidentId' in input && input.incidentId !== null && isFalseOutcome(closedAs ?? null) && (reported.has(input.incidentId) || byHand)) {
        if (withdrawals.length !== 1) fail('a forwarded incident closed as false and not withdrawn once');
      } else if (withdrawals.length > 0) {
        fail('a cancel of an incident not forwarded, or not closed as false');
      }
      for (const c of withdrawals) reported.delete(c.incidentId);
      for (const c of result.commands) if (c.kind === 'close_as_false') lastLevel.delete(c.incidentId);
      if (input.kind === 'alarm_signal' && alarmRoute(input.event, input.zone) === 'emergency') {
        emergencies += 1;
        const kinds = result.commands.map((c) => c.kind);
        if (kinds.includes('start_callback') || kinds.includes('start_timer')) fail('an emergency step that calls or waits');
        if (!result.commands.some((c) => c.kind === 'forward_110' && c.level === 'emergency') && !(input.incidentId !== null && lifeForwarded.has(input.incidentId))) {
          if (result.note === null) fail('a hold-up that was not forwarded in its own step');
        }
      }
      if (input.kind === 'alarm_signal' && alarmRoute(input.event, input.zone) === 'burglary') {
        for (const f of forwardsHere) if (f.level !== 'linked_zones') fail(`a single burglary alarm forwarded as ${f.level}`);
      }
      if (input.kind === 'callback_outcome' && input.result === 'duress' && result.note === null) {
        duressCalls += 1;
        for (const c of result.commands) {
          if (c.kind !== 'forward_110' && c.kind !== 'dispatch_guard' && /duress/i.test(JSON.stringify(c))) fail(`${c.kind} reveals duress`);
          if (c.kind === 'answer_caller' && c.reply !== 'code_accepted') fail('the caller heard a duress code was not accepted');
          if (c.kind === 'start_callback') fail('a call started after a duress code');
        }
      }
      const kase = result.state.case;
      if (kase !== null && (kase.zones.length > MAX_ZONES || kase.evidence.length > MAX_EVIDENCE)) fail('the state grew without bound');
    });
    // Same inputs, same answers: nothing hidden in the core.
    const again = new Scenario(policy);
    for (const [input, at] of inputs) again.when(input, at);
    if (JSON.stringify(again.results) !== JSON.stringify(scenario.results)) fail('a replay gave other answers');
  }
  t.same([...failures], [], 'no invariant broken');
  t.ok(forwards > 100 && emergencies > 100 && duressCalls > 20 && cancels > 20, `the walks reached the rules (${forwards} forwards, ${emergencies} emergencies, ${duressCalls} duress codes, ${cancels} cancels)`);
});

t.test('a hold-up never waits, whatever the state it arrives in', async (t) => {
  for (let seed = 1; seed <= 100; seed++) {
    const { scenario, inputs } = walk(seed, VERIFICATION_PRESETS.standard);
    const at = (inputs.at(-1)?.[1] ?? T0) + 1000;
    const incidentId = scenario.state.case?.incidentId ?? 'inc-new';
    const before = scenario.state.case?.forwarded?.level;
    const result = decideVerification(scenario.state, { ...alarm('122', 4, at), incidentId }, at, VERIFICATION_PRESETS.standard);
    const forwarded = result.commands.some((c) => c.kind === 'forward_110' && c.level === 'emergency');
    const stepKinds = result.commands.map((c) => c.kind);
    t.ok(!stepKinds.includes('start_callback') && !stepKinds.includes('start_timer'), `walk ${seed}: no call, no timer`);
    const alreadyLife = scenario.state.case?.stage !== 'closed' && before !== undefined && threatensLife(before);
    t.ok(forwarded || alreadyLife, `walk ${seed}: forwarded in the same step (or 110 already has it as a threat to life)`);
  }
});

t.test('a decision never changes the state it was given', async (t) => {
  const s = new Scenario(); // Scenario deep-freezes every state: a mutation would throw in strict mode
  s.given([alarm('130', 1)], [alarm('130', 3, T0 + 60_000), T0 + 60_000]);
  t.equal(s.state.case?.stage, 'confirmed');
  t.ok(Object.isFrozen(s.state.case?.zones));
});
