import type { CustomerCard } from '../customers/customer-card.js';
import type { AlarmEvent } from '../protocols/alarm-event.js';
import { actionEvent, SYSTEM_ACTOR, type CustomerStanding, type NewAction } from './incident-action.js';
import { eventPriority, mostUrgent, priorityRank } from './incident-priority.js';
import { evolve, type IncidentState } from './incident-state.js';
import { signalEffect } from './signal-effect.js';

/** One event of a journaled signal, with what arc knows of its account. */
export interface SignalInput {
  event: AlarmEvent;
  /** The journal entry it came in. */
  seq: string;
  /** When arc received it (epoch ms). */
  receivedAt: number;
  /** The account's customer; undefined when the account has no customer card. */
  customer: CustomerCard | undefined;
}

/**
 * - `open`: a new incident, its first action `opened`;
 * - `append`: actions on the account's open incident;
 * - `none`: nothing beyond the journal, which keeps the signal against the account anyway
 *   (`logged`: no incident open and nothing to open one; `on_test`: an alarm while the customer
 *   is on test, with no incident open).
 */
export type SignalDecision =
  | { kind: 'open'; customerId: string | null; actions: NewAction[] }
  | { kind: 'append'; actions: NewAction[] }
  | { kind: 'none'; reason: 'logged' | 'on_test' };

/**
 * Whether alarms of this customer, at this time, are test traffic (installation, maintenance):
 * only inside the on-test span. Once the span has ended its alarms are real again, even if
 * nobody has set the customer back in service: a forgotten test must not swallow a burglary.
 */
export function isOnTest(customer: CustomerCard | undefined, at: number): boolean {
  if (customer?.onTest == null) return false;
  return Date.parse(customer.onTest.from) <= at && at < Date.parse(customer.onTest.until);
}

/**
 * What one event does, given the account's open incident (undefined: none is open). Pure: `now`
 * is when arc acts on it. A customer suspended or decommissioned still gets an incident, marked
 * with that standing (the panel is still reporting to us: someone must look); an account with no
 * customer card gets one marked `no_customer_card`. Never is an alarm dropped.
 */
export function decideSignal(open: IncidentState | undefined, input: SignalInput, now: number): SignalDecision {
  const { event, seq, customer } = input;
  const base = { at: now, actor: SYSTEM_ACTOR, journalSeq: seq };
  const effect = signalEffect(event);
  const onTest = isOnTest(customer, input.receivedAt);

  if (effect === 'alarm' && !onTest) {
    const priority = eventPriority(event);
    if (open === undefined) {
      const standing: CustomerStanding = customer?.serviceStatus ?? 'no_customer_card';
      return {
        kind: 'open',
        customerId: customer?.id ?? null,
        actions: [{ ...base, kind: 'opened', detail: { event: actionEvent(event), priority, eventClass: event.eventClass, customer: standing, receivedAt: input.receivedAt } }],
      };
    }
    const actions: NewAction[] = [{ ...base, kind: 'alarm_joined', detail: { event: actionEvent(event), priority } }];
    const raised = mostUrgent(open.priority, priority);
    if (priorityRank(raised) < priorityRank(open.priority)) actions.push({ ...base, kind: 'priority_raised', detail: { from: open.priority, to: raised } });
    return { kind: 'append', actions };
  }

  if (open === undefined) return { kind: 'none', reason: effect === 'alarm' ? 'on_test' : 'logged' };
  const logged: NewAction = { ...base, kind: 'signal_logged', detail: { event: actionEvent(event), effect: effect === 'alarm' ? 'log' : effect, onTest } };
  const actions: NewAction[] = [logged];
  if (!open.cleared) {
    if (effect === 'disarm') actions.push({ ...base, kind: 'cleared', detail: { reason: 'disarmed' } });
    if (effect === 'restore' && evolve(open, logged).zonesInAlarm.length === 0) actions.push({ ...base, kind: 'cleared', detail: { reason: 'restored' } });
  }
  return { kind: 'append', actions };
}
