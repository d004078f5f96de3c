import type { CaseStep } from './case-step.js';
import { confirmFire } from './confirm-fire.js';
import type { Evidence } from './evidence.js';

/**
 * A number that did not answer (no answer, busy, or no outcome in time). A fire waiting for its
 * callback goes at once. A burglary moves down the list, and sends a guard once enough
 * different numbers went unanswered (ECV) or the list is done. `advance`: the answer was the
 * pending call's; a call the operator made by hand beside it counts, but moves nothing.
 */
export function noAnswer(step: CaseStep, evidence: Evidence & { kind: 'callback' }, advance: boolean): void {
  const c = step.case;
  if (!c.unanswered.includes(evidence.phone)) c.unanswered = [...c.unanswered, evidence.phone];
  if (c.stage !== 'verifying') return;
  if (c.fireAwaiting) return confirmFire(step, [evidence], `no answer at ${evidence.phone}`);
  if (c.guardDispatched || !advance || c.pendingCall !== null) return;
  const needed = step.policy.burglary.callsBeforeGuard;
  if (c.unanswered.length >= needed) {
    step.stopCalls();
    step.dispatch('verify_on_site', `${c.unanswered.length} numbers not answered`);
    step.notify('high', `No answer on ${c.unanswered.length} numbers: guard dispatched to verify on site.`);
    return;
  }
  if (step.callNext()) {
    step.notify('normal', `No answer at ${evidence.phone}: calling the next number.`);
    return;
  }
  step.dispatch('verify_on_site', 'call list exhausted');
  step.notify('high', 'Nobody left to call: guard dispatched to verify on site.');
}

