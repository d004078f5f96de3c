import type { CaseStep } from './case-step.js';
import { confirmFire } from './confirm-fire.js';
import { noAnswer } from './no-answer.js';

/**
 * A timer the case still waits for (the caller checked). `call_answer`: the pending call gave no
 * outcome in time, so it is cancelled and counts as not answered. `fire_callback`: the fire's
 * short deadline passed without the right passcode.
 */
export function onTimerExpired(step: CaseStep, timerId: string): void {
  const c = step.case;
  const timer = c.timers.find((t) => t.id === timerId);
  if (timer === undefined) return;
  step.forgetTimer(timerId);
  if (timer.purpose === 'fire_callback') {
    if (c.fireAwaiting && c.stage === 'verifying') confirmFire(step, [{ kind: 'no_verification_in_time', at: step.now, waitedS: step.policy.fire.callbackS }], `no right passcode within ${step.policy.fire.callbackS} s`);
    return;
  }
  const pending = c.pendingCall;
  if (pending?.timerId !== timerId) return;
  step.commands.push({ kind: 'cancel_callback', incidentId: c.incidentId, callId: pending.callId });
  c.pendingCall = null;
  const evidence = { kind: 'callback', at: step.now, contact: pending.contact, phone: pending.phone, result: 'no_answer', timedOut: true } as const;
  step.addEvidence(evidence);
  noAnswer(step, evidence, true);
}
