import type { Outcome } from '../incidents/incident-action.js';
import type { Evidence } from './evidence.js';
import type { VerificationLevel } from './verification-level.js';

/** How loud a console notice is: `critical` is a life at risk, `low` is a note for the queue's tail. */
export type ConsoleUrgency = 'critical' | 'high' | 'normal' | 'low';

export type TimerPurpose = 'call_answer' | 'fire_callback';

/** How an incident closes when its alarm was not real: what withdraws a report at 110. */
export type FalseOutcome = Extract<Outcome, 'user_false_alarm' | 'device_false_alarm' | 'test'>;

/**
 * What the engine asks the shell to do; each carries what the shell needs to do it without
 * reading the engine's state. The engine never performs them and never assumes they succeeded:
 * outcomes come back as inputs (callback outcome, guard report, timer expiry).
 */
export type VerificationCommand =
  | {
      kind: 'start_callback';
      incidentId: string;
      /** The id the outcome must quote, so that a late answer to a cancelled call is told apart. */
      callId: string;
      contact: string;
      contactOrder: number;
      phone: string;
    }
  /** Stop a call not answered yet: nobody calls the premises during a hold-up. */
  | { kind: 'cancel_callback'; incidentId: string; callId: string }
  /**
   * What an automated callback says to the person who gave a code. A duress code gets the very
   * same reply as the right passcode: whoever stands next to the caller must not learn anything.
   */
  | { kind: 'answer_caller'; incidentId: string; callId: string | null; reply: 'code_accepted' | 'code_not_accepted' }
  /** Feed `timer_expired` with `timerId` back at `at` (epoch ms); a late or repeated expiry is harmless. */
  | { kind: 'start_timer'; timerId: string; purpose: TimerPurpose; at: number }
  | { kind: 'dispatch_guard'; incidentId: string; account: string; level: VerificationLevel | 'verify_on_site'; reason: string }
  /**
   * To the 110 uplink: idempotent by (incidentId, revision). `evidence` is never empty; it begins
   * with what decided the level, then every alarm of the incident.
   */
  | { kind: 'forward_110'; incidentId: string; account: string; revision: number; level: VerificationLevel; evidence: Evidence[] }
  /**
   * To the 110 uplink: withdraw the incident's report (ASAP cancel), as it was forwarded and is
   * closed as false or a test. `reason` names the outcome and who judged it. The shell numbers its
   * revision and sends it only when 110 holds a report of the incident.
   */
  | { kind: 'cancel_110'; incidentId: string; account: string; reason: string }
  /**
   * A line on the operators' console. `incidentId` null: no incident is open for it (an opening
   * outside the schedule): the shell raises a low-priority incident for it.
   */
  | { kind: 'notify_console'; incidentId: string | null; account: string; urgency: ConsoleUrgency; message: string }
  | { kind: 'close_as_false'; incidentId: string; outcome: FalseOutcome; evidence: Evidence[] }
  /** `dedupeKey`: one open ticket per account, code and zone; the shell keeps a repeat on the open one. */
  | { kind: 'open_maintenance_ticket'; account: string; dedupeKey: string; code: string; zone: number | null; description: string };

export type VerificationCommandKind = VerificationCommand['kind'];
