import type { AlarmEvent, EventClass } from '../protocols/alarm-event.js';
import type { ServiceStatus } from '../customers/customer-card.js';
import type { Priority } from './incident-priority.js';

/** How an incident ended: the centre's statistics (real-alarm share, false-alarm causes) count these. */
export const OUTCOMES = ['real', 'device_false_alarm', 'user_false_alarm', 'test', 'undetermined'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** An operator's judgement (研判): an outcome that is known, so not `undetermined`. */
export const VERDICTS = ['real', 'device_false_alarm', 'user_false_alarm', 'test'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const CALLBACK_RESULTS = ['reached', 'no_answer', 'busy', 'wrong_number'] as const;
export type CallbackResult = (typeof CALLBACK_RESULTS)[number];

/** The customer's standing when the incident opened: `no_customer_card` when the account has none. */
export type CustomerStanding = ServiceStatus | 'no_customer_card';

/** The part of a journaled event an action keeps: enough to show and to judge, nothing raw. */
export type ActionEvent = Pick<AlarmEvent, 'protocol' | 'code' | 'qualifier' | 'eventClass' | 'category' | 'description' | 'zone' | 'user' | 'partition' | 'emergency'>;

export function actionEvent(e: AlarmEvent): ActionEvent {
  const { protocol, code, qualifier, eventClass, category, description, zone, user, partition, emergency } = e;
  return { protocol, code, qualifier, eventClass, category, description, zone, user, partition, emergency };
}

/** What each kind of action records (its `detail` column). */
export interface ActionDetails {
  /** The first action of every incident. `receivedAt`: when arc received the opening alarm. */
  opened: { event: ActionEvent; priority: Priority; eventClass: EventClass; customer: CustomerStanding; receivedAt: number };
  /** A further alarm of the same account while the incident is open. */
  alarm_joined: { event: ActionEvent; priority: Priority };
  /** The incident's priority went up, because of the alarm in the same journal entry. */
  priority_raised: { from: Priority; to: Priority };
  /** A restore, opening, trouble, test… of the account while the incident is open. */
  signal_logged: { event: ActionEvent; effect: 'restore' | 'disarm' | 'log'; onTest: boolean };
  /** Every alarm zone restored, or the premises disarmed (消警). */
  cleared: { reason: 'restored' | 'disarmed' };
  /** `from`: the previous holder, when a supervisor took it over. */
  taken: { from: string | null };
  acknowledged: { receivedAt: number; eventClass: EventClass; priority: Priority };
  callback_recorded: { contact: string; phone: string; result: CallbackResult; passcodeVerified: boolean | null; note: string };
  /** A request: dispatch (a later issue) assigns and tracks the guard. `guardId` null: dispatch picks. */
  dispatch_requested: { guardId: string | null; note: string };
  judged: { verdict: Verdict; evidence: string };
  /**
   * A request: the 110 uplink delivers it, with the evidence it is based on. From the
   * verification engine also its level, revision and evidence items, as the console may show
   * them (a duress callback reads as a callback confirmation: see verification-actions.ts).
   */
  forward_110_requested: { note: string; priority: Priority; verdict: Verdict | null; evidence: string | null; level?: string; revision?: number; items?: unknown[] };
  /** What the verification engine tells the operators (see ConsoleUrgency). */
  verification_notice: { urgency: 'critical' | 'high' | 'normal' | 'low'; message: string };
  /** The engine asked for a password callback (口令复核) to this number; the outcome comes back with `callId`. */
  callback_started: { callId: string; contact: string; contactOrder: number; phone: string };
  /** The callback is no longer wanted (answered elsewhere, timed out, or the incident is decided). */
  callback_cancelled: { callId: string };
  /**
   * A callback's outcome as the engine took it. `code_accepted` is the right passcode or the
   * duress code: the screen, like the caller, never learns which (the 110 forward does).
   */
  verification_callback: { callId: string | null; contact: string; phone: string; result: 'code_accepted' | 'wrong_code' | 'refused' | 'no_answer' | 'busy'; timedOut: boolean };
  closed: { outcome: Outcome; note: string };
  /** The 110 centre accepted a message of the uplink (src/uplink110): its police case number. */
  uplink_accepted: { revision: number; message: UplinkMessageKind; caseNumber: string };
  /** The 110 centre refused a message: final, the operator calls 110 by phone (an `uplink_escalated` follows). */
  uplink_rejected: { revision: number; message: UplinkMessageKind; reason: string };
  /** Critical on the console: the uplink did not get it to 110, call 110 by phone. Once per message. */
  uplink_escalated: { revision: number; message: UplinkMessageKind; reason: UplinkEscalation };
  /** What the 110 centre reports back on its case (signed by 110, src/uplink110/uplink-routes.ts). */
  police_update: { caseNumber: string; status: PoliceStatus; disposition: string | null };
  /** Dispatch (src/dispatch) gave the order to a guard; times are epoch ms. */
  guard_assigned: { orderId: string; guardId: string; guardName: string; predictedArrivalAt: number; contractedArrivalAt: number | null };
  /** The guard's order moved on; `guardId` null when no guard held it (an order cancelled unassigned). */
  guard_progress: { orderId: string; guardId: string | null; status: GuardProgress };
  /** The guard's on-site finding (出勤核实), as the verification engine receives it. */
  guard_reported: { orderId: string; guardId: string; finding: 'real' | 'false' | 'no_access'; note: string };
  /** The operator must step in: nobody accepted, no guard available, or the guard is late. */
  dispatch_escalated: { orderId: string; reason: 'not_accepted' | 'no_guard_available' | 'late_arrival' };
}

/** A dispatch order's steps as the incident history shows them. */
export type GuardProgress = 'accepted' | 'declined' | 'not_accepted' | 'withdrawn' | 'en_route' | 'on_scene' | 'closed' | 'cancelled';

/** The messages the 110 uplink sends (ASAP-to-PSAP-like): the first report, a later update, a cancellation. */
export type UplinkMessageKind = 'notify' | 'update' | 'cancel';

/** Why the operator must call 110 by phone: not accepted within the timeout, refused, or the uplink is off. */
export type UplinkEscalation = 'not_accepted_in_time' | 'rejected' | 'uplink_off';

/** The police side of a case, as 110 reports it. */
export const POLICE_STATUSES = ['dispatched', 'on_scene', 'closed'] as const;
export type PoliceStatus = (typeof POLICE_STATUSES)[number];

export type ActionKind = keyof ActionDetails;

export const ACTION_KINDS: readonly ActionKind[] = [
  'opened', 'alarm_joined', 'priority_raised', 'signal_logged', 'cleared', 'taken', 'acknowledged',
  'callback_recorded', 'dispatch_requested', 'judged', 'forward_110_requested', 'closed',
  'verification_notice', 'callback_started', 'callback_cancelled', 'verification_callback',
  'uplink_accepted', 'uplink_rejected', 'uplink_escalated', 'police_update',
  'guard_assigned', 'guard_progress', 'guard_reported', 'dispatch_escalated',
];

/** An action before it is stored: who, when (epoch ms), what, and the journal entry it comes from. */
export type NewAction = {
  [K in ActionKind]: { kind: K; at: number; actor: string; detail: ActionDetails[K]; journalSeq: string | null };
}[ActionKind];

/** A stored action: `id` is the feed sequence a console resumes from. */
export type IncidentAction = NewAction & { id: string; incidentId: string };

/** The actor of what arc does by itself (opening, joining, logging). */
export const SYSTEM_ACTOR = 'system';
