import type { Role } from '../auth/roles.js';
import type { CallbackResult, Outcome, Verdict } from './incident-action.js';

/** What an operator (or supervisor) asks of an incident from the console. */
export type IncidentCommand =
  | { kind: 'take' }
  | { kind: 'acknowledge' }
  | { kind: 'record_callback'; contact: string; phone: string; result: CallbackResult; passcodeVerified: boolean | null; note: string }
  | { kind: 'dispatch_guard'; guardId: string | null; note: string }
  | { kind: 'judge'; verdict: Verdict; evidence: string }
  | { kind: 'forward_110'; note: string }
  | { kind: 'close'; outcome: Outcome | null; note: string };

export type CommandKind = IncidentCommand['kind'];

export interface Actor {
  id: string;
  role: Role;
}

/**
 * Why a command was refused; stable, the console reads the code. `status` is the HTTP answer:
 * 409 for the incident's state, 422 for what the command lacks.
 */
export const REFUSALS = {
  INCIDENT_CLOSED: { status: 409, message: 'the incident is closed; a new alarm opens a new incident' },
  HELD_BY_OTHER: { status: 409, message: 'another operator holds the incident (a supervisor may take it over)' },
  ALREADY_HELD: { status: 409, message: 'you already hold the incident' },
  NOT_TAKEN: { status: 409, message: 'take the incident before acting on it' },
  ALREADY_ACKNOWLEDGED: { status: 409, message: 'the incident is already acknowledged' },
  NOT_ACKNOWLEDGED: { status: 409, message: 'acknowledge the incident before acting on it' },
  NOT_JUDGED: { status: 409, message: 'only an emergency goes to 110 unjudged: judge the incident real first' },
  NOT_REAL: { status: 409, message: 'the incident is judged a false alarm or a test: it does not go to 110' },
  ALREADY_FORWARDED: { status: 409, message: 'the incident is already forwarded to 110' },
  EVIDENCE_REQUIRED: { status: 422, message: 'judging an incident real requires the evidence it rests on' },
  OUTCOME_REQUIRED: { status: 422, message: 'closing requires an outcome' },
  NOTE_REQUIRED: { status: 422, message: 'closing requires a note' },
} as const;

export type RefusalCode = keyof typeof REFUSALS;

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export function refusal(code: RefusalCode): Refusal {
  return { code, message: REFUSALS[code].message };
}
