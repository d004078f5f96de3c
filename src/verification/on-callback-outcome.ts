import type { CaseStep } from './case-step.js';
import { confirmFire } from './confirm-fire.js';
import { CONFIRMED_BY_CALLBACK } from './console-messages.js';
import type { Evidence } from './evidence.js';
import { noAnswer } from './no-answer.js';
import type { VerificationInput } from './verification-input.js';

type CallbackInput = Extract<VerificationInput, { kind: 'callback_outcome' }>;

/**
 * A callback's outcome (口令复核):
 * - the right passcode closes the incident as a user false alarm (unless already forwarded:
 *   then the operator decides, and closing it as false withdraws it at 110);
 * - the duress code confirms it silently: the caller hears what the right passcode gets, the
 *   console reads "confirmed by callback", and only the 110 forward and the guard's order say duress;
 * - a wrong code or a refusal is suspicious: forwarded (`confirm`) or a guard sent (`dispatch`); on
 *   a fire, dispatch and forward;
 * - no answer or busy: the next number, or a guard (see noAnswer).
 */
export function onCallbackOutcome(step: CaseStep, input: CallbackInput): void {
  const c = step.case;
  const matched = input.callId !== null && c.pendingCall?.callId === input.callId;
  if (matched) step.endPendingCall();
  const evidence: Evidence & { kind: 'callback' } = { kind: 'callback', at: step.now, contact: input.contact, phone: input.phone, result: input.result, timedOut: false };
  step.addEvidence(evidence);
  const { onSuspicious, dispatchOnConfirm } = step.policy.burglary;

  switch (input.result) {
    case 'passcode':
      step.answerCaller(input.callId, 'code_accepted');
      if (c.stage === 'confirmed') return step.notify('high', `Right passcode from ${input.contact} after the incident was forwarded: the operator decides (closed as false, it is withdrawn at 110).`);
      step.closeAsFalse('user_false_alarm', [evidence]);
      return step.notify('low', `Right passcode from ${input.contact}: closed as a user false alarm.`);
    case 'duress':
      step.answerCaller(input.callId, 'code_accepted');
      step.stopCalls();
      step.forward('callback_duress', [evidence]);
      step.dispatch('callback_duress', 'duress code given on the callback: approach unseen, people at risk');
      return step.notify('high', CONFIRMED_BY_CALLBACK);
    case 'wrong_code':
    case 'refused': {
      if (input.result === 'wrong_code') step.answerCaller(input.callId, 'code_not_accepted');
      const how = input.result === 'wrong_code' ? 'wrong code' : 'refused to give the code';
      if (c.stage !== 'verifying') return step.notify('normal', `Callback to ${input.contact}: ${how}.`);
      if (c.fireAwaiting) return confirmFire(step, [evidence], `callback ${how}`);
      step.stopCalls();
      if (onSuspicious === 'confirm') {
        step.forward('callback_failed', [evidence]);
        if (dispatchOnConfirm) step.dispatch('callback_failed', `callback: ${how}`);
        return step.notify('high', CONFIRMED_BY_CALLBACK);
      }
      step.dispatch('verify_on_site', `suspicious callback: ${how}`);
      return step.notify('high', `Suspicious: ${input.contact} ${how}. Guard dispatched to verify on site.`);
    }
    case 'no_answer':
    case 'busy':
      return noAnswer(step, evidence, matched || c.pendingCall === null);
  }
}
