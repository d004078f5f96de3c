import type { VerificationCommand } from '../verification-command.js';

/**
 * Who places the password callbacks (口令复核) the engine asks for. The outcome comes back as a
 * `callback_outcome` input quoting the call's id: from the operator (the console shows the call
 * to make and records what was said) or from an automated dialler. Told after the decision has
 * committed, never before: a call is never placed for a decision that rolled back.
 */
export interface CallbackProvider {
  start(call: Extract<VerificationCommand, { kind: 'start_callback' }>): void;
  cancel(call: Extract<VerificationCommand, { kind: 'cancel_callback' }>): void;
  /** What the dialler says to the person who gave a code (the same for a duress code as for the right one). */
  answer(reply: Extract<VerificationCommand, { kind: 'answer_caller' }>): void;
}

/** The operator places the calls: the console lists them from the incident's actions; nothing to do here. */
export const operatorCallbacks: CallbackProvider = {
  start: () => undefined,
  cancel: () => undefined,
  answer: () => undefined,
};
