import type { CaseStep } from './case-step.js';

/**
 * The operator closed the incident (any outcome): nothing is left to verify. The call under way
 * is cancelled and every timer forgotten, so that no late callback or deadline acts on a
 * closed incident; a later alarm opens a new incident and a new case.
 */
export function onIncidentClosed(step: CaseStep): void {
  step.stopCalls();
  step.case.stage = 'closed';
  step.case.fireAwaiting = false;
  step.case.timers = [];
}
