import type { CaseStep } from './case-step.js';
import type { Evidence } from './evidence.js';

/** A fire not called off in time: dispatch, and forward when the policy says so. */
export function confirmFire(step: CaseStep, decisive: Evidence[], why: string): void {
  step.stopCalls();
  step.case.fireAwaiting = false;
  step.case.timers = step.case.timers.filter((t) => t.purpose !== 'fire_callback');
  step.dispatch('fire', `fire: ${why}`);
  if (step.policy.fire.forward) step.forward('fire', decisive);
  else step.case.stage = 'confirmed';
  step.notify('critical', `Fire: ${why}. Guard dispatched${step.policy.fire.forward ? ', forwarded to 110' : '; the policy forwards no fire: call 119 if needed'}.`);
}
