import { CaseStep } from './case-step.js';
import { onAlarm } from './on-alarm.js';
import { onArming } from './on-arming.js';
import { onCallbackOutcome } from './on-callback-outcome.js';
import { onGuardReport } from './on-guard-report.js';
import { onIncidentClosed, onUnverifiedClosed } from './on-incident-closed.js';
import { onOperatorVerdict } from './on-operator-verdict.js';
import { onTimerExpired } from './on-timer-expired.js';
import type { VerificationInput } from './verification-input.js';
import type { VerificationPolicy } from './verification-policy.js';
import type { VerificationResult, VerificationState } from './verification-state.js';

/**
 * The verification engine: the account's verification state and one input → the new state and
 * the commands for the shell to execute. Pure: `now` is when it happens (epoch ms), nothing is
 * read or written, and the same arguments always give the same answer. An input it cannot use
 * changes nothing and says why (`note`), for the shell to count.
 */
export function decideVerification(state: VerificationState, input: VerificationInput, now: number, policy: VerificationPolicy): VerificationResult {
  switch (input.kind) {
    case 'alarm_signal':
      return onAlarm(state, input, now, policy);
    case 'arming':
      return onArming(state, input, now, policy);
    case 'timer_expired': {
      const kase = state.case;
      if (kase?.timers.some((t) => t.id === input.timerId) !== true) return { state, commands: [], note: 'stale_timer' };
      const step = new CaseStep(state, kase, now, policy);
      onTimerExpired(step, input.timerId);
      return step.result();
    }
    case 'callback_outcome':
    case 'guard_report':
    case 'operator_verdict':
    case 'incident_closed': {
      const kase = state.case;
      if (kase === null || kase.incidentId !== input.incidentId || kase.stage === 'closed') {
        return input.kind === 'incident_closed' ? onUnverifiedClosed(state, input) : { state, commands: [], note: 'no_open_case' };
      }
      if (input.kind === 'operator_verdict' && input.verdict === 'real' && input.evidence.trim() === '') return { state, commands: [], note: 'evidence_required' };
      const step = new CaseStep(state, kase, now, policy);
      if (input.kind === 'callback_outcome') onCallbackOutcome(step, input);
      else if (input.kind === 'guard_report') onGuardReport(step, input);
      else if (input.kind === 'operator_verdict') onOperatorVerdict(step, input);
      else onIncidentClosed(step, input);
      return step.result();
    }
    default:
      return assertNever(input);
  }
}

function assertNever(input: never): never {
  throw new Error(`verification: unknown input ${JSON.stringify(input)}`);
}
