import type { CaseStep } from './case-step.js';
import type { VerificationInput } from './verification-input.js';
import type { VerificationResult, VerificationState } from './verification-state.js';
import { cancel110, isFalseOutcome } from './withdraw-report.js';

type ClosedInput = Extract<VerificationInput, { kind: 'incident_closed' }>;

/**
 * The operator closed the incident (any outcome): nothing is left to verify. The call under way
 * is cancelled and every timer forgotten, so that no late callback or deadline acts on a
 * closed incident; a later alarm opens a new incident and a new case. Closed as false or a
 * test after it went to 110, its report there is withdrawn (no notice: the incident is closed,
 * and the uplink's own actions say how 110 took it).
 */
export function onIncidentClosed(step: CaseStep, input: ClosedInput): void {
  step.stopCalls();
  step.case.stage = 'closed';
  step.case.fireAwaiting = false;
  step.case.timers = [];
  if (isFalseOutcome(input.outcome)) step.withdraw110(input.forwardedTo110, 'closed as', input.outcome, input.operator);
}

/**
 * The operator closed an incident the engine has no case of (it never verified it: a customer
 * not in service, a code it does not verify, which the operator may still forward by hand):
 * the incident's record alone says whether 110 has it to withdraw.
 */
export function onUnverifiedClosed(state: VerificationState, input: ClosedInput): VerificationResult {
  if (!input.forwardedTo110 || !isFalseOutcome(input.outcome)) return { state, commands: [], note: 'no_open_case' };
  return { state, commands: [cancel110(input.incidentId, state.account, 'closed as', input.outcome, input.operator)], note: null };
}
