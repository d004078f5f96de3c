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
  /** A request: the 110 uplink (a later issue) delivers it, with the evidence it is based on. */
  forward_110_requested: { note: string; priority: Priority; verdict: Verdict | null; evidence: string | null };
  closed: { outcome: Outcome; note: string };
}

export type ActionKind = keyof ActionDetails;

export const ACTION_KINDS: readonly ActionKind[] = [
  'opened', 'alarm_joined', 'priority_raised', 'signal_logged', 'cleared', 'taken', 'acknowledged',
  'callback_recorded', 'dispatch_requested', 'judged', 'forward_110_requested', 'closed',
];

/** An action before it is stored: who, when (epoch ms), what, and the journal entry it comes from. */
export type NewAction = {
  [K in ActionKind]: { kind: K; at: number; actor: string; detail: ActionDetails[K]; journalSeq: string | null };
}[ActionKind];

/** A stored action: `id` is the feed sequence a console resumes from. */
export type IncidentAction = NewAction & { id: string; incidentId: string };

/** The actor of what arc does by itself (opening, joining, logging). */
export const SYSTEM_ACTOR = 'system';
