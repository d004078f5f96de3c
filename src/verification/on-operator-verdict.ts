import type { CaseStep } from './case-step.js';
import type { Evidence } from './evidence.js';
import type { VerificationInput } from './verification-input.js';

type VerdictInput = Extract<VerificationInput, { kind: 'operator_verdict' }>;

/**
 * An operator's judgement (研判), e.g. on video: real confirms on what the operator names (the
 * caller refuses a verdict of real without it); false or test closes, and when the incident
 * already went to 110 its report there is withdrawn (cancel_110) and the console told so.
 */
export function onOperatorVerdict(step: CaseStep, input: VerdictInput): void {
  const c = step.case;
  const evidence: Evidence = { kind: 'operator', at: step.now, operator: input.operator, note: input.evidence.trim() };
  step.addEvidence(evidence);
  if (input.verdict === 'real') {
    step.stopCalls();
    const forwarded = step.forward('operator_confirmed', [evidence]);
    c.stage = 'confirmed';
    if (step.policy.burglary.dispatchOnConfirm) step.dispatch('operator_confirmed', `judged real by ${input.operator}`);
    return step.notify('high', `Judged real by ${input.operator}: ${forwarded ? 'forwarded to 110' : 'already with 110'}.`);
  }
  step.closeAsFalse(input.verdict, [evidence]);
  const withdrawn = step.withdraw110(input.forwardedTo110, 'judged', input.verdict, input.operator);
  step.notify(withdrawn ? 'normal' : 'low', `Judged ${input.verdict.replaceAll('_', ' ')} by ${input.operator}: closed${withdrawn ? '; the report to 110 is withdrawn at 110' : ''}.`);
}
