import type { SignalForVerification, VerifySignals } from '../../incidents/incident-consumer.js';
import type { AlarmEvent } from '../../protocols/alarm-event.js';
import type { VerificationInput } from '../verification-input.js';
import { verifyInBatch, type VerificationDeps, type VerificationItem } from './verification-run.js';

/** An opening (disarmed) or closing (armed) report, or null: the engine judges intrusion by it. */
export function armingChange(event: Pick<AlarmEvent, 'eventClass' | 'category' | 'qualifier'>): 'armed' | 'disarmed' | null {
  if (event.eventClass !== 'open_close' || event.category !== 'open_close') return null;
  if (event.qualifier === 'new') return 'disarmed';
  if (event.qualifier === 'restore') return 'armed';
  return null;
}

/** The engine's input for one journaled event, with the incident the incidents core put it on. */
export function signalInput(signal: SignalForVerification): VerificationInput {
  const { event, customer, incident } = signal;
  const incidentId = incident?.id ?? null;
  const change = armingChange(event);
  if (change !== null) return { kind: 'arming', change, user: event.user, incidentId, customer: customer && { schedule: customer.schedule ?? null } };
  const zone = event.zone === null ? null : (customer?.zones.find((z) => z.account === signal.account && z.number === event.zone) ?? null);
  return { kind: 'alarm_signal', incidentId, event, zone, customer, receivedAt: signal.receivedAt };
}

/** The incident consumer's `verify`: every event of the batch, in journal order, through the engine, on the consumer's own batch. */
export function createSignalVerifier(deps: VerificationDeps): VerifySignals {
  return (trx, signals, batch) => {
    const items: VerificationItem[] = signals.map((s) => {
      const input = signalInput(s);
      // Only an opening or closing raises an incident of its own (outside the schedule); a trouble's notice does not.
      return input.kind === 'arming' ? { account: s.account, input, origin: { event: s.event, seq: s.seq, receivedAt: s.receivedAt, customer: s.customer } } : { account: s.account, input };
    });
    return verifyInBatch(trx, items, deps, batch);
  };
}
