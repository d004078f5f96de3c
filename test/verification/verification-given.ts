import type { CustomerCard, ZoneCard } from '../../src/customers/customer-card.js';
import { deepFreeze } from '../../src/config/deep-freeze.js';
import type { Outcome, Verdict } from '../../src/incidents/incident-action.js';
import type { AlarmEvent } from '../../src/protocols/alarm-event.js';
import { decideVerification } from '../../src/verification/decide-verification.js';
import type { VerificationCommand, VerificationCommandKind } from '../../src/verification/verification-command.js';
import type { VerificationInput, VerificationCallResult } from '../../src/verification/verification-input.js';
import { DEFAULT_VERIFICATION_POLICY, type VerificationPolicy } from '../../src/verification/verification-policy.js';
import { initialVerificationState, type VerificationResult, type VerificationState } from '../../src/verification/verification-state.js';
import { cid, customerCard } from '../incidents/incident-events.js';

export const T0 = Date.parse('2026-11-23T14:00:00Z'); // a Monday, 22:00 in Beijing
export const MIN = 60_000;
export const INCIDENT = 'inc-1';

const zone = (number: number, name: string, type: ZoneCard['type'], principle: string | null, linkedGroup: string | null): ZoneCard => ({ account: '1234', number, name, location: name, type, principle, linkedGroup });

/** A shop: two PIRs and a door contact in the sales room (group A), a PIR in the office, a hold-up button, a smoke detector. */
export const ZONES: ZoneCard[] = [
  zone(1, 'sales room PIR', 'burglary', 'PIR', 'A'),
  zone(2, 'front door', 'burglary', 'contact', 'A'),
  zone(3, 'office PIR', 'burglary', 'PIR', 'B'),
  zone(4, 'counter hold-up', 'hold_up', null, null),
  zone(5, 'stock room smoke', 'fire', 'smoke', null),
  zone(6, 'sales room PIR 2', 'burglary', 'PIR', 'A'),
  zone(7, 'safe', '24h', 'seismic', null),
  zone(8, 'kitchen smoke', 'fire', 'smoke', null),
];

export const PREMISES = '021-5555-0001';
export const OWNER_MOBILE = '138-0000-0001';
export const OWNER_HOME = '021-5555-0002';
export const MANAGER = '139-0000-0003';

export function shop(overrides: Partial<CustomerCard> = {}): CustomerCard {
  return customerCard({
    zones: ZONES,
    contacts: [
      { order: 1, name: 'premises', relation: 'premises', phones: [PREMISES] },
      { order: 2, name: 'Wang (owner)', relation: 'owner', phones: [OWNER_MOBILE, OWNER_HOME] },
      { order: 3, name: 'Li (manager)', relation: 'manager', phones: [MANAGER] },
    ],
    hasPasscode: true,
    ...overrides,
  });
}

/** An alarm input through the real Contact ID decoder: `alarm('130', 1)` burglary on zone 1. */
export function alarm(code: string, zoneNumber: number, at = T0, customer: CustomerCard | undefined = shop(), incidentId: string | null = INCIDENT, qualifier: '1' | '3' | '6' = '1'): Extract<VerificationInput, { kind: 'alarm_signal' }> {
  const event: AlarmEvent = cid(code, qualifier, zoneNumber);
  return { kind: 'alarm_signal', incidentId, event, zone: customer?.zones.find((z) => z.number === zoneNumber) ?? null, customer, receivedAt: at };
}

export function callback(callId: string | null, result: VerificationCallResult, phone = PREMISES, contact = 'premises'): Extract<VerificationInput, { kind: 'callback_outcome' }> {
  return { kind: 'callback_outcome', incidentId: INCIDENT, callId, contact, phone, result };
}

export const guard = (finding: 'real' | 'false' | 'no_access'): VerificationInput => ({ kind: 'guard_report', incidentId: INCIDENT, guardId: 'g7', finding, note: `found ${finding}` });

/** An operator's verdict (研判); `forwardedTo110`: the incident's record holds a forward (the operator's own, say). */
export const verdict = (v: Verdict, evidence = '', forwardedTo110 = false, operator = 'alice'): VerificationInput => ({ kind: 'operator_verdict', incidentId: INCIDENT, operator, verdict: v, evidence, forwardedTo110 });

/** The operator closes the incident with an outcome (结案). */
export const closed = (outcome: Outcome, forwardedTo110 = false, operator = 'bob'): VerificationInput => ({ kind: 'incident_closed', incidentId: INCIDENT, operator, outcome, forwardedTo110 });

/**
 * A scenario: inputs applied in order, each at its time, against a frozen state (so a decision
 * that mutated its argument would throw). `when` returns the decision; the state moves on.
 */
export class Scenario {
  state: VerificationState = deepFreeze(initialVerificationState('1234'));
  readonly results: VerificationResult[] = [];

  constructor(readonly policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) {}

  when(input: VerificationInput, at = T0): VerificationResult {
    const result = decideVerification(this.state, input, at, this.policy);
    this.state = deepFreeze(result.state);
    this.results.push(result);
    return result;
  }

  given(...steps: [VerificationInput, number?][]): this {
    for (const [input, at] of steps) this.when(input, at);
    return this;
  }

  /** Every command so far, in order. */
  get commands(): VerificationCommand[] {
    return this.results.flatMap((r) => r.commands);
  }

  /** The last `start_callback`'s id and number. */
  lastCall(): Extract<VerificationCommand, { kind: 'start_callback' }> {
    const calls = this.commands.filter((c) => c.kind === 'start_callback');
    const last = calls.at(-1);
    if (last === undefined) throw new Error('no callback started');
    return last;
  }

  /** The `at` and id of the last timer of a purpose. */
  lastTimer(purpose: 'call_answer' | 'fire_callback'): Extract<VerificationCommand, { kind: 'start_timer' }> {
    const last = this.commands.filter((c) => c.kind === 'start_timer' && c.purpose === purpose).at(-1);
    if (last?.kind !== 'start_timer') throw new Error(`no ${purpose} timer`);
    return last;
  }
}

export const kinds = (r: VerificationResult): VerificationCommandKind[] => r.commands.map((c) => c.kind);

export function only<K extends VerificationCommandKind>(commands: VerificationCommand[], kind: K): Extract<VerificationCommand, { kind: K }>[] {
  return commands.filter((c): c is Extract<VerificationCommand, { kind: K }> => c.kind === kind);
}
