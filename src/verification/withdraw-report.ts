import type { Outcome } from '../incidents/incident-action.js';
import type { FalseOutcome, VerificationCommand } from './verification-command.js';

const FALSE_OUTCOMES: readonly Outcome[] = ['user_false_alarm', 'device_false_alarm', 'test'];

/** Whether an incident that ended with `outcome` was no real alarm: a report of it to 110 is withdrawn. */
export function isFalseOutcome(outcome: Outcome | null): outcome is FalseOutcome {
  return outcome !== null && FALSE_OUTCOMES.includes(outcome);
}

/**
 * The withdrawal at 110 of a forwarded incident that turned out false or a test (ASAP cancel).
 * The reason tells the police how it ended and who judged it: "judged a user false alarm by alice",
 * "closed as a test by bob".
 */
export function cancel110(incidentId: string, account: string, how: 'judged' | 'closed as', outcome: FalseOutcome, operator: string): Extract<VerificationCommand, { kind: 'cancel_110' }> {
  return { kind: 'cancel_110', incidentId, account, reason: `${how} ${outcomeText(outcome)} by ${operator}` };
}

function outcomeText(outcome: FalseOutcome): string {
  return outcome === 'test' ? 'a test' : `a ${outcome.replaceAll('_', ' ')}`;
}
