import t from 'tap';
import { callList } from '../../src/verification/call-list.js';
import { DEFAULT_VERIFICATION_POLICY, VERIFICATION_PRESETS, verificationPolicy, VerificationPolicyError } from '../../src/verification/verification-policy.js';

t.test('presets', async (t) => {
  t.equal(DEFAULT_VERIFICATION_POLICY.preset, 'standard');
  t.match(DEFAULT_VERIFICATION_POLICY, { burglary: { linkedZoneWindowMin: 30, linkedZoneRule: 'different_detector', callsBeforeGuard: 2, onSuspicious: 'dispatch' }, fire: { mode: 'callback_first', callbackS: 90 } });
  t.equal(VERIFICATION_PRESETS.shanghai.burglary.linkedZoneRule, 'adjacent_or_different_principle');
  t.equal(VERIFICATION_PRESETS.bs8243_60.burglary.linkedZoneWindowMin, 60);
  for (const name of Object.keys(VERIFICATION_PRESETS)) t.equal(verificationPolicy(name).preset, name, `${name} passes its own checks`);
});

t.test('overrides are checked when the policy is made, with stable codes', async (t) => {
  t.equal(verificationPolicy('standard', { burglary: { linkedZoneWindowMin: 45 } }).burglary.linkedZoneWindowMin, 45);
  t.equal(verificationPolicy('shanghai', { fire: { mode: 'dispatch_first' } }).burglary.linkedZoneRule, 'adjacent_or_different_principle', 'an override keeps the rest of the preset');
  const refused: [string, Parameters<typeof verificationPolicy>[1], string][] = [
    ['standard', { burglary: { linkedZoneWindowMin: 20 } }, 'LINKED_WINDOW_OUT_OF_RANGE'],
    ['standard', { burglary: { linkedZoneWindowMin: 61 } }, 'LINKED_WINDOW_OUT_OF_RANGE'],
    ['standard', { burglary: { linkedZoneWindowMin: Number.NaN } }, 'LINKED_WINDOW_OUT_OF_RANGE'],
    ['standard', { burglary: { callsBeforeGuard: 0 } }, 'CALLS_BEFORE_GUARD_OUT_OF_RANGE'],
    ['standard', { burglary: { callsBeforeGuard: 1.5 } }, 'CALLS_BEFORE_GUARD_OUT_OF_RANGE'],
    ['standard', { fire: { callbackS: 5 } }, 'TIMEOUT_OUT_OF_RANGE'],
    ['standard', { burglary: { callAnswerS: 3600 } }, 'TIMEOUT_OUT_OF_RANGE'],
    ['toString', {}, 'UNKNOWN_PRESET'],
    ['nyc', {}, 'UNKNOWN_PRESET'],
  ];
  for (const [preset, overrides, code] of refused) t.throws(() => verificationPolicy(preset, overrides), { name: 'VerificationPolicyError', code }, `${preset} ${JSON.stringify(overrides)} → ${code}`);
  t.ok(new VerificationPolicyError('UNKNOWN_PRESET', 'x') instanceof Error);
});

t.test('the call list: contacts in calling order, each number once, blanks skipped', async (t) => {
  const list = callList([
    { order: 2, name: 'Wang', relation: 'owner', phones: ['138', ' 021-2 '] },
    { order: 1, name: 'premises', relation: 'premises', phones: ['021-1', ''] },
    { order: 3, name: 'Li', relation: 'manager', phones: ['138'] },
  ]);
  t.same(list.map((c) => `${c.contactOrder}:${c.phone}`), ['1:021-1', '2:138', '2:021-2']);
});
