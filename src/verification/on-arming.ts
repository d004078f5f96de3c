import { outsideSchedule } from './outside-schedule.js';
import type { VerificationCommand } from './verification-command.js';
import type { VerificationInput } from './verification-input.js';
import type { VerificationPolicy } from './verification-policy.js';
import type { VerificationResult, VerificationState } from './verification-state.js';

type ArmingInput = Extract<VerificationInput, { kind: 'arming' }>;

/**
 * An opening or closing: the arming the engine judges intrusion alarms by. Outside the
 * account's schedule it is a low-priority notice (the shell raises a low-priority incident when
 * none is open). A disarm during a burglary's verification does not close it: an intruder may
 * know a code; the callback decides.
 */
export function onArming(state: VerificationState, input: ArmingInput, now: number, policy: VerificationPolicy): VerificationResult {
  const commands: VerificationCommand[] = [];
  const who = input.user === null ? '' : ` by user ${input.user}`;
  const what = input.change === 'armed' ? 'Closing (armed)' : 'Opening (disarmed)';
  const incidentId = input.incidentId ?? (state.case?.stage === 'verifying' ? state.case.incidentId : null);
  if (outsideSchedule(input.customer?.schedule, now, policy.schedule)) commands.push({ kind: 'notify_console', incidentId, account: state.account, urgency: 'low', message: `${what}${who} outside the schedule.` });
  if (input.change === 'disarmed' && state.case?.stage === 'verifying') commands.push({ kind: 'notify_console', incidentId: state.case.incidentId, account: state.account, urgency: 'normal', message: `Disarmed${who} during verification: the callback decides.` });
  return { state: { ...state, arming: input.change }, commands, note: null };
}
