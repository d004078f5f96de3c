import type { CustomerStanding } from '../incidents/incident-action.js';
import type { AlarmEvidence, Evidence } from './evidence.js';
import type { TimerPurpose, VerificationCommand } from './verification-command.js';
import type { VerificationLevel } from './verification-level.js';

/** One number to call back, in the customer's calling order. */
export interface CallTarget {
  contact: string;
  contactOrder: number;
  phone: string;
}

/** One alarm as the engine routes it, with what its zone card says about the detector. */
export interface ZoneTrip {
  at: number;
  route: 'emergency' | 'fire' | 'medical' | 'burglary';
  zone: number | null;
  principle: string | null;
  linkedGroup: string | null;
  evidence: AlarmEvidence;
}

/**
 * One detector of the incident: its alarms (same route, same zone) folded into one entry, as
 * the rules ask of them: whether a zone tripped, when last (the linked-zone window), how often
 * (one notice for a repeating zone). A chattering detector so keeps the state small and cannot
 * push a partner zone out of it, and the state stays a row the database keeps inline.
 */
export interface TrippedZone {
  route: ZoneTrip['route'];
  zone: number | null;
  principle: string | null;
  linkedGroup: string | null;
  zoneName: string | null;
  /** Of its latest alarm. */
  code: string;
  description: string;
  firstAt: number;
  lastAt: number;
  count: number;
}

/**
 * The verification of one incident. `stage`: `verifying` while evidence is awaited,
 * `confirmed` once forwarded (or judged real), `closed` once closed as false.
 */
export interface VerificationCase {
  incidentId: string;
  openedAt: number;
  stage: 'verifying' | 'confirmed' | 'closed';
  /** The detectors that tripped, least recent first (at most MAX_ZONES, the most recent). */
  zones: TrippedZone[];
  /** A fire waits for its callback until the `fire_callback` timer. */
  fireAwaiting: boolean;
  callList: CallTarget[];
  /** Index in `callList` of the next number to call. */
  nextCall: number;
  /** The call under way; its `call_answer` timer counts it unanswered when no outcome comes. */
  pendingCall: (CallTarget & { callId: string; timerId: string }) | null;
  /** Distinct numbers that did not answer (ECV counts numbers, not attempts). */
  unanswered: string[];
  guardDispatched: boolean;
  timers: { id: string; purpose: TimerPurpose; at: number }[];
  /** Counter for call and timer ids, unique within the incident. */
  seq: number;
  /** Calls, guard reports and verdicts (at most MAX_EVIDENCE, the most recent). */
  evidence: Evidence[];
  forwarded: { revision: number; level: VerificationLevel } | null;
  /** The last revision forwarded for this incident (0: none); kept when a closed case starts over, so no revision repeats. */
  revision: number;
}

/**
 * What the engine keeps per account: the panel's arming as its open/close reports say
 * (`unknown` until the first one), and the verification of the account's open incident.
 */
export interface VerificationState {
  account: string;
  arming: 'armed' | 'disarmed' | 'unknown';
  case: VerificationCase | null;
}

/**
 * Detectors kept per case. Beyond them a premises is confirmed many times over; the incident's
 * own record keeps every alarm. 16 keeps a storm's state (random zones) near 3.7 KB instead of
 * 7.8: what makes a batch's state rows cheap to write (npm run bench -- console, README).
 */
export const MAX_ZONES = 16;
export const MAX_EVIDENCE = 32;

export function initialVerificationState(account: string): VerificationState {
  return { account, arming: 'unknown', case: null };
}

/** Why an input changed nothing, or changed only the log: the shell counts these. */
export type VerificationNote =
  | 'on_test' // an alarm while the customer is on test: logged by the journal, nothing more
  | 'not_in_service' // suspended, decommissioned or no customer card: the console is told, nothing forwarded
  | 'disarmed' // an intrusion alarm while disarmed: a low notice, not verified
  | 'not_an_alarm' // a restore, an opening/closing report or a test on the alarm input
  | 'no_open_case' // a callback, guard report or verdict for an incident the engine is not verifying
  | 'stale_timer' // a timer the engine no longer waits for (already decided, or fired twice)
  | 'evidence_required'; // judged real without saying on what

export interface VerificationResult {
  state: VerificationState;
  commands: VerificationCommand[];
  note: VerificationNote | null;
}

export function customerInService(standing: CustomerStanding): boolean {
  return standing === 'in_service' || standing === 'on_test';
}
