import { callList } from './call-list.js';
import { CaseStep } from './case-step.js';
import { zoneLabel } from './console-messages.js';
import { alarmRoute, type AlarmRoute } from './alarm-route.js';
import { isOnTest } from '../incidents/decide-signal.js';
import { routeBurglary } from './route-burglary.js';
import { routeEmergency } from './route-emergency.js';
import { routeFire } from './route-fire.js';
import { routeMedical } from './route-medical.js';
import type { ConsoleUrgency, VerificationCommand } from './verification-command.js';
import type { VerificationInput } from './verification-input.js';
import type { VerificationPolicy } from './verification-policy.js';
import { customerInService, type VerificationCase, type VerificationResult, type VerificationState, type ZoneTrip } from './verification-state.js';

type AlarmInput = Extract<VerificationInput, { kind: 'alarm_signal' }>;

const URGENCY: Record<AlarmRoute, ConsoleUrgency> = {
  emergency: 'critical', fire: 'critical', medical: 'critical', burglary: 'high',
  trouble: 'low', environmental: 'normal', unclassified: 'normal', none: 'low',
};

/**
 * An alarm, in this order: nothing to verify (restores, reports); on test (the journal keeps
 * it, nothing else); a customer not in service (the console is told, arc forwards nothing
 * without a contract); the routes that never reach 110; an intrusion while disarmed; then the
 * incident's verification by route.
 */
export function onAlarm(state: VerificationState, input: AlarmInput, now: number, policy: VerificationPolicy): VerificationResult {
  const { event, zone, customer, incidentId } = input;
  const route = alarmRoute(event, zone);
  const done = (commands: VerificationCommand[], note: VerificationResult['note'] = null): VerificationResult => ({ state, commands, note });
  const notice = (urgency: ConsoleUrgency, message: string): VerificationCommand => ({ kind: 'notify_console', incidentId, account: state.account, urgency, message });
  const what = `${event.description}, ${zoneLabel(event.zone, zone?.name ?? null)}`;

  if (route === 'none') return done([], 'not_an_alarm');
  if (isOnTest(customer, input.receivedAt)) return done([], 'on_test');
  const standing = customer?.serviceStatus ?? 'no_customer_card';
  if (!customerInService(standing)) return done([notice(URGENCY[route], `${what} from an account that is ${standing.replaceAll('_', ' ')}: not verified, not forwarded; the operator decides.`)], 'not_in_service');

  switch (route) {
    case 'trouble':
      return done([
        { kind: 'open_maintenance_ticket', account: state.account, dedupeKey: `${state.account}:${event.protocol}:${event.code}:${event.zone ?? '-'}`, code: event.code, zone: event.zone, description: what },
        notice(event.eventClass === 'alarm' ? 'normal' : 'low', `${what}: maintenance ticket opened.`),
      ]);
    case 'environmental':
      return done([notice('normal', `${what}: call the customer (not a police matter).`)]);
    case 'unclassified':
      return done([notice('normal', `${what}: a code arc does not know; the operator decides.`)]);
    default:
      break;
  }
  // A zone typed 24h is armed all the time: only a plain intrusion zone sleeps while disarmed.
  if (route === 'burglary' && state.arming === 'disarmed' && zone?.type !== '24h') return done([notice('low', `${what} while disarmed: logged, not verified.`)], 'disarmed');
  if (incidentId === null) return done([notice('critical', `${what}: no incident to verify it on; the operator must handle it by hand.`)], 'no_open_case');

  const trip: ZoneTrip = {
    at: input.receivedAt,
    route,
    zone: event.zone,
    principle: zone?.principle ?? null,
    linkedGroup: zone?.linkedGroup ?? null,
    evidence: { kind: 'alarm', at: input.receivedAt, zone: event.zone, zoneName: zone?.name ?? null, principle: zone?.principle ?? null, code: event.code, description: event.description },
  };
  const step = new CaseStep(state, caseFor(state, incidentId, customer?.contacts ?? [], now), now, policy);
  if (route === 'emergency') routeEmergency(step, trip);
  else if (route === 'fire') routeFire(step, trip);
  else if (route === 'medical') routeMedical(step, trip);
  else routeBurglary(step, trip);
  return step.result();
}

/**
 * The incident's case; a new one for a new incident, or when the old one was closed as false
 * (an alarm after that starts over, keeping the id counter so no call or timer id repeats).
 */
function caseFor(state: VerificationState, incidentId: string, contacts: Parameters<typeof callList>[0], now: number): VerificationCase {
  const current = state.case;
  const again = current !== null && current.incidentId === incidentId;
  if (again && current.stage !== 'closed') return current;
  return {
    incidentId,
    openedAt: now,
    stage: 'verifying',
    zones: [],
    fireAwaiting: false,
    callList: callList(contacts),
    nextCall: 0,
    pendingCall: null,
    unanswered: [],
    guardDispatched: false,
    timers: [],
    seq: again ? current.seq : 0,
    evidence: [],
    forwarded: null,
    revision: again ? current.revision : 0,
  };
}
