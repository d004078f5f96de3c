import type { CustomerCard, ZoneCard } from '../customers/customer-card.js';
import type { Outcome, Verdict } from '../incidents/incident-action.js';
import type { AlarmEvent } from '../protocols/alarm-event.js';
import type { GuardFinding } from './evidence.js';

/** What a callback (口令复核) came to: the operator records it, or an automated provider does. */
export const VERIFICATION_CALL_RESULTS = ['passcode', 'duress', 'wrong_code', 'refused', 'no_answer', 'busy'] as const;
export type VerificationCallResult = (typeof VERIFICATION_CALL_RESULTS)[number];

/**
 * What the verification engine reacts to. `incidentId` is the incident the incidents core
 * opened or joined for it (null: none, e.g. an opening, or an alarm on test).
 */
export type VerificationInput =
  | {
      kind: 'alarm_signal';
      incidentId: string | null;
      event: AlarmEvent;
      /** The zone's card, looked up by the shell (null: the customer has no card for that zone). */
      zone: ZoneCard | null;
      /** undefined: the account has no customer card. */
      customer: CustomerCard | undefined;
      /** When arc received it: the on-test span is judged on it. */
      receivedAt: number;
    }
  | {
      kind: 'callback_outcome';
      incidentId: string;
      /** The `callId` of the `start_callback` it answers; null: a call the operator made by hand. */
      callId: string | null;
      contact: string;
      phone: string;
      result: VerificationCallResult;
    }
  | { kind: 'guard_report'; incidentId: string; guardId: string; finding: GuardFinding; note: string }
  | { kind: 'timer_expired'; timerId: string }
  /**
   * `forwardedTo110` (here and on a close): the incident's record holds a forward to 110, the
   * operator's own included, which the engine's case does not know of.
   */
  | { kind: 'operator_verdict'; incidentId: string; operator: string; verdict: Verdict; evidence: string; forwardedTo110: boolean }
  /** The operator closed the incident with `outcome`: the engine stops verifying it. */
  | { kind: 'incident_closed'; incidentId: string; operator: string; outcome: Outcome; forwardedTo110: boolean }
  | {
      kind: 'arming';
      change: 'armed' | 'disarmed';
      /** The panel user who did it (null: not reported). */
      user: number | null;
      incidentId: string | null;
      customer: Pick<CustomerCard, 'schedule'> | undefined;
    };

export type VerificationInputKind = VerificationInput['kind'];
