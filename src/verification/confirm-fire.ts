import type { CaseStep } from './case-step.js';
import type { Evidence } from './evidence.js';

/**
 * A fire not called off in time: dispatch, and forward when the policy says so. The notice says
 * what this step did: a guard sent now or already on the way, 110 told now or already. `repeat`:
 * the alarm is from a fire detector that already tripped on this incident; a step on it that
 * did nothing new says nothing (its alarm line is on the record), as for a repeating burglary zone.
 */
export function confirmFire(step: CaseStep, decisive: Evidence[], why: string, repeat = false): void {
  const commandsBefore = step.commands.length;
  step.stopCalls();
  step.case.fireAwaiting = false;
  step.case.timers = step.case.timers.filter((t) => t.purpose !== 'fire_callback');
  const dispatched = step.dispatch('fire', `fire: ${why}`);
  const forwarded = step.policy.fire.forward && step.forward('fire', decisive);
  if (!step.policy.fire.forward) step.case.stage = 'confirmed';
  if (repeat && step.commands.length === commandsBefore) return;
  const guard = dispatched ? 'Guard dispatched' : 'A guard is already on the way';
  const police = step.policy.fire.forward ? `, ${forwarded ? 'forwarded to 110' : 'already with 110'}` : '; the policy forwards no fire: call 119 if needed';
  step.notify('critical', `Fire: ${why}. ${guard}${police}.`);
}
