import type { EventClass } from '../protocols/alarm-event.js';
import type { CustomerStanding, IncidentAction, NewAction, Outcome, PoliceStatus, Verdict } from './incident-action.js';
import type { Priority } from './incident-priority.js';

/** What never changes once an incident exists (table `incident`). Times are epoch ms. */
export interface IncidentHeader {
  id: string;
  account: string;
  customerId: string | null;
  /** When arc received the alarm that opened it: the queue's age, the acknowledgement clock. */
  openedAt: number;
  openingSeq: string;
}

/**
 * An incident as its actions make it, read by the queue and checked by `decide`. The three
 * progressions of practice: not judged → judged (a verdict was given), not handled → handled
 * (closed with an outcome: `status` says the same), not cleared → cleared (every alarm zone
 * restored, or the premises disarmed).
 */
export interface IncidentState extends IncidentHeader {
  status: 'open' | 'closed';
  priority: Priority;
  /** The opening alarm's class (the acknowledgement metric's label). */
  eventClass: EventClass;
  customer: CustomerStanding;
  /** The user id of the operator who holds it; null until someone takes it. */
  owner: string | null;
  acknowledgedAt: number | null;
  judged: boolean;
  verdict: Verdict | null;
  evidence: string | null;
  handled: boolean;
  cleared: boolean;
  outcome: Outcome | null;
  /** Zones (null: the panel named none) whose alarm has not restored. */
  zonesInAlarm: (number | null)[];
  alarms: number;
  callbacks: number;
  dispatchRequests: number;
  forwardedTo110: boolean;
  /** How many forwards to 110 were requested: the next one is revision `forwards + 1` (absent in states stored before it was counted). */
  forwards?: number;
  /** The police case number 110 answered the uplink's report with; null until accepted. */
  caseNumber110: string | null;
  /**
   * Where the 110 uplink stands: null before any outcome; `escalated` when it did not get through
   * in time (or is off) and the operator must call 110 by phone; accepted wins over escalated.
   */
  uplinkStatus: 'accepted' | 'rejected' | 'escalated' | null;
  /** The police side of the case as 110 last reported it. */
  policeStatus: PoliceStatus | null;
  /** The id of the last stored action (null while some are not stored yet). */
  lastActionId: string | null;
  lastActionAt: number;
}

/** The state an `opened` action starts. */
function opened(header: IncidentHeader, action: NewAction & { kind: 'opened' }): IncidentState {
  const { detail } = action;
  return {
    ...header,
    status: 'open',
    priority: detail.priority,
    eventClass: detail.eventClass,
    customer: detail.customer,
    owner: null,
    acknowledgedAt: null,
    judged: false,
    verdict: null,
    evidence: null,
    handled: false,
    cleared: false,
    outcome: null,
    zonesInAlarm: [detail.event.zone],
    alarms: 1,
    callbacks: 0,
    dispatchRequests: 0,
    forwardedTo110: false,
    caseNumber110: null,
    uplinkStatus: null,
    policeStatus: null,
    lastActionId: null,
    lastActionAt: action.at,
  };
}

/** One action applied: the only way an incident's state changes. */
export function evolve(state: IncidentState, action: NewAction | IncidentAction): IncidentState {
  const next = { ...state, lastActionId: 'id' in action ? action.id : null, lastActionAt: action.at };
  switch (action.kind) {
    case 'opened':
      return next; // only ever first: foldIncident starts from it
    case 'alarm_joined': {
      const zone = action.detail.event.zone;
      const zonesInAlarm = next.zonesInAlarm.includes(zone) ? next.zonesInAlarm : [...next.zonesInAlarm, zone];
      return { ...next, alarms: next.alarms + 1, zonesInAlarm, cleared: false };
    }
    case 'priority_raised':
      return { ...next, priority: action.detail.to };
    case 'signal_logged':
      if (action.detail.effect !== 'restore') return next;
      return { ...next, zonesInAlarm: next.zonesInAlarm.filter((z) => z !== action.detail.event.zone) };
    case 'cleared':
      return { ...next, cleared: true, zonesInAlarm: [] };
    case 'taken':
      return { ...next, owner: action.actor };
    case 'acknowledged':
      return { ...next, acknowledgedAt: action.at };
    case 'callback_recorded':
      return { ...next, callbacks: next.callbacks + 1 };
    case 'dispatch_requested':
      return { ...next, dispatchRequests: next.dispatchRequests + 1 };
    case 'judged':
      return { ...next, judged: true, verdict: action.detail.verdict, evidence: action.detail.evidence };
    case 'forward_110_requested':
      return { ...next, forwardedTo110: true, forwards: (next.forwards ?? 0) + 1 };
    case 'verification_notice':
    case 'callback_started':
    case 'callback_cancelled':
      return next;
    case 'verification_callback':
      return { ...next, callbacks: next.callbacks + 1 };
    case 'uplink_accepted':
      return { ...next, uplinkStatus: 'accepted', caseNumber110: action.detail.message === 'notify' ? action.detail.caseNumber : (next.caseNumber110 ?? action.detail.caseNumber) };
    case 'uplink_rejected':
      return next.uplinkStatus === 'accepted' ? next : { ...next, uplinkStatus: 'rejected' };
    case 'uplink_escalated':
      return next.uplinkStatus === null ? { ...next, uplinkStatus: 'escalated' } : next;
    case 'guard_assigned':
    case 'guard_progress':
    case 'guard_reported':
    case 'dispatch_escalated':
      return next; // the order's own state lives in dispatch_order_state
    case 'police_update':
      return { ...next, policeStatus: action.detail.status, caseNumber110: next.caseNumber110 ?? action.detail.caseNumber };
    case 'closed': {
      const { outcome } = action.detail;
      const verdict = outcome === 'undetermined' ? next.verdict : outcome;
      return { ...next, status: 'closed', handled: true, outcome, judged: next.judged || verdict !== null, verdict };
    }
  }
}

/** The state of an incident from its header and all its actions, in order (the first is `opened`). */
export function foldIncident(header: IncidentHeader, actions: readonly (NewAction | IncidentAction)[]): IncidentState {
  const [first, ...rest] = actions;
  if (first?.kind !== 'opened') throw new Error(`incident ${header.id}: the first action is not 'opened'`);
  let state = opened(header, first);
  if ('id' in first) state = { ...state, lastActionId: (first as IncidentAction).id };
  for (const action of rest) state = evolve(state, action);
  return state;
}
