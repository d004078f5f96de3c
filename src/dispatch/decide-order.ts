import type { Config } from '../config/config.js';
import type { GuardProgress, NewAction } from '../incidents/incident-action.js';
import type { GuardFinding } from '../verification/evidence.js';
import { chooseGuard, type GuardCandidate } from './choose-guard.js';
import type { DispatchRefusalCode } from './dispatch-error.js';
import {
  arrivalDeadline,
  arrivalWatched,
  evolveOrder,
  foldOrder,
  isActive,
  type DispatchOrder,
  type EscalationReason,
  type NewOrderEvent,
  type OrderEventDetails,
  type OrderEventKind,
  type OrderHeader,
  type OrderSite,
} from './dispatch-order.js';

/** The centre's dispatch settings, in ms. */
export interface DispatchPolicy {
  /** An issued order not accepted within this goes to the next guard (ARC_DISPATCH_ACCEPT_TIMEOUT_S). */
  acceptTimeoutMs: number;
  /** Arrival predicted this long after assignment unless the guard gives an ETA (ARC_DISPATCH_PREDICTED_ARRIVAL_MIN). */
  predictedArrivalMs: number;
}

/** The policy from arc's configuration. */
export function dispatchPolicy(config: Pick<Config, 'dispatchAcceptTimeoutS' | 'dispatchPredictedArrivalMin'>): DispatchPolicy {
  return { acceptTimeoutMs: config.dispatchAcceptTimeoutS * 1000, predictedArrivalMs: config.dispatchPredictedArrivalMin * 60_000 };
}

/**
 * What happens to an order. A guard's inputs carry the guard's user id; `candidates` are the
 * guards available now, for the inputs that may give the order to another guard.
 */
export type OrderInput =
  | { kind: 'accept'; guardId: string; etaMin?: number | null }
  | { kind: 'decline'; guardId: string; note: string; candidates: readonly GuardCandidate[] }
  | { kind: 'en_route'; guardId: string; etaMin?: number | null }
  | { kind: 'on_scene'; guardId: string }
  | { kind: 'report'; guardId: string; finding: GuardFinding; note: string }
  /** An operator gives the order to this guard (whatever the guard's status, unless off duty: the shell checks). */
  | { kind: 'assign'; actor: string; guard: GuardCandidate }
  /** An operator files the order: completed after the report, cancelled before it. */
  | { kind: 'close'; actor: string; note: string }
  /** The timer: acceptance timeout, a waiting order and a free guard, a late arrival. */
  | { kind: 'tick'; candidates: readonly GuardCandidate[] };

/** What the shell does besides storing the events, in the same transaction (notify after commit). */
export type OrderEffect =
  | { kind: 'guard_status'; guardId: string; status: 'busy' | 'available' }
  /** Appended to the order's incident, so the console's history shows the dispatch. */
  | { kind: 'incident_action'; action: NewAction }
  /** To the verification engine (createDispatchService's onGuardReport). */
  | { kind: 'guard_report'; guardId: string; finding: GuardFinding; note: string }
  /** The guard's orders changed: their live channel re-reads them after commit. */
  | { kind: 'notify_guard'; guardId: string };

export type OrderDecision =
  | { ok: true; order: DispatchOrder; events: NewOrderEvent[]; effects: OrderEffect[] }
  | { ok: false; code: Extract<DispatchRefusalCode, 'ORDER_NOT_ASSIGNED_TO_YOU' | 'INVALID_TRANSITION' | 'ORDER_CLOSED' | 'ALREADY_ASSIGNED'> };

const SYSTEM = 'system';
const MIN = 60_000;

/** Collects the events and effects of one decision, applying each event as it goes. */
class Step {
  readonly events: NewOrderEvent[] = [];
  readonly effects: OrderEffect[] = [];

  constructor(
    public order: DispatchOrder,
    readonly now: number,
    readonly policy: DispatchPolicy,
  ) {}

  record<K extends OrderEventKind>(kind: K, actor: string, detail: OrderEventDetails[K]): void {
    const event = { kind, at: this.now, actor, detail } as NewOrderEvent;
    this.events.push(event);
    this.order = evolveOrder(this.order, event);
  }

  incident(action: Omit<NewAction, 'at' | 'journalSeq'>): void {
    this.effects.push({ kind: 'incident_action', action: { ...action, at: this.now, journalSeq: null } as NewAction });
  }

  progress(actor: string, guardId: string | null, status: GuardProgress): void {
    this.incident({ kind: 'guard_progress', actor, detail: { orderId: this.order.id, guardId, status } });
  }

  guardStatus(guardId: string, status: 'busy' | 'available'): void {
    this.effects.push({ kind: 'guard_status', guardId, status }, { kind: 'notify_guard', guardId });
  }

  escalate(reason: EscalationReason): void {
    this.record('escalated', SYSTEM, { reason });
    this.incident({ kind: 'dispatch_escalated', actor: SYSTEM, detail: { orderId: this.order.id, reason } });
  }

  assign(guard: GuardCandidate, actor: string, by: 'dispatch' | 'operator'): void {
    const predictedArrivalAt = this.now + this.policy.predictedArrivalMs;
    this.record('assigned', actor, { guardId: guard.id, guardName: guard.name, acceptBy: this.now + this.policy.acceptTimeoutMs, predictedArrivalAt, by });
    this.guardStatus(guard.id, 'busy');
    this.incident({
      kind: 'guard_assigned',
      actor,
      detail: { orderId: this.order.id, guardId: guard.id, guardName: guard.name, predictedArrivalAt, contractedArrivalAt: this.order.contractedArrivalAt },
    });
  }

  /**
   * Gives the order to the best guard not yet refused; with none left, tells the operator:
   * `no_guard_available` when nobody was ever offered it, `not_accepted` when everyone was.
   */
  offerNext(candidates: readonly GuardCandidate[]): void {
    const guard = chooseGuard(candidates, this.order.site, new Set(this.order.refused));
    if (guard) return this.assign(guard, SYSTEM, 'dispatch');
    this.escalate(this.order.offered.length === 0 ? 'no_guard_available' : 'not_accepted');
  }

  /** Late arrival escalates once, whenever it is noticed (by the timer, or by a late `on_scene`). */
  lateCheck(arrivedAt?: number): void {
    const deadline = arrivalDeadline(this.order);
    const watched = arrivedAt === undefined ? arrivalWatched(this.order) : deadline !== null && !this.order.escalated.includes('late_arrival');
    if (watched && (arrivedAt ?? this.now) > deadline!) this.escalate('late_arrival');
  }

  done(): OrderDecision {
    return { ok: true, order: this.order, events: this.events, effects: this.effects };
  }
}

/** A new order: requested, then given to a guard (the one the operator named, else the best available). */
export function openOrder(
  header: OrderHeader,
  request: { site: OrderSite; contractedArrivalAt: number | null; guard: GuardCandidate | null; candidates: readonly GuardCandidate[] },
  now: number,
  policy: DispatchPolicy,
): { order: DispatchOrder; events: NewOrderEvent[]; effects: OrderEffect[] } {
  const first: NewOrderEvent = { kind: 'requested', at: now, actor: header.requestedBy, detail: { site: request.site, contractedArrivalAt: request.contractedArrivalAt } };
  const step = new Step(foldOrder(header, [first]), now, policy);
  step.events.push(first);
  if (request.guard) step.assign(request.guard, header.requestedBy, 'operator');
  else step.offerNext(request.candidates);
  step.lateCheck(); // a contract shorter than the time it took to ask
  return { order: step.order, events: step.events, effects: step.effects };
}

/**
 * The order's next state for an input, and what to do about it. Pure: `now` (epoch ms) is when
 * it happens. The rules:
 * - a closed order takes nothing (ORDER_CLOSED); a guard acts only on the order they hold
 *   (ORDER_NOT_ASSIGNED_TO_YOU), and only in order: accept an issued order; go en route after
 *   accepting; be on scene after accepting; report once on scene (INVALID_TRANSITION);
 * - a guard may decline until on scene: the order goes to the next guard (same area, then
 *   nearest, then longest available), never back to one who declined or timed out; with none
 *   left the operator is told (`not_accepted`, or `no_guard_available` if nobody was ever asked);
 * - an order not accepted by `acceptBy` goes to the next guard the same way (the timer);
 * - an unassigned order goes to a guard as soon as one is available (the timer);
 * - arriving after the contracted time (or the predicted one, without a contract) escalates
 *   once (`late_arrival`), when the timer notices or when the guard reports on scene;
 * - an accepted ETA (`etaMin`) replaces the predicted arrival; the contract never moves;
 * - the report frees the guard and goes to the verification engine; an operator closes.
 */
export function decideOrder(order: DispatchOrder, input: OrderInput, now: number, policy: DispatchPolicy): OrderDecision {
  if (order.status === 'closed') return { ok: false, code: 'ORDER_CLOSED' };
  const step = new Step(order, now, policy);
  const refuse = (code: 'ORDER_NOT_ASSIGNED_TO_YOU' | 'INVALID_TRANSITION' | 'ALREADY_ASSIGNED'): OrderDecision => ({ ok: false, code });
  const eta = (etaMin: number | null | undefined) => (etaMin == null ? order.predictedArrivalAt ?? now + policy.predictedArrivalMs : now + etaMin * MIN);

  if ('guardId' in input && order.guardId !== input.guardId) return refuse('ORDER_NOT_ASSIGNED_TO_YOU');
  switch (input.kind) {
    case 'accept':
      if (order.status !== 'issued') return refuse('INVALID_TRANSITION');
      step.record('accepted', input.guardId, { guardId: input.guardId, predictedArrivalAt: eta(input.etaMin) });
      step.progress(input.guardId, input.guardId, 'accepted');
      step.effects.push({ kind: 'notify_guard', guardId: input.guardId });
      return step.done();
    case 'decline':
      if (!['issued', 'accepted', 'en_route'].includes(order.status)) return refuse('INVALID_TRANSITION');
      step.record('declined', input.guardId, { guardId: input.guardId, note: input.note });
      step.progress(input.guardId, input.guardId, 'declined');
      step.guardStatus(input.guardId, 'available');
      step.offerNext(input.candidates.filter((c) => c.id !== input.guardId));
      return step.done();
    case 'en_route':
      if (order.status !== 'accepted') return refuse('INVALID_TRANSITION');
      step.record('en_route', input.guardId, { guardId: input.guardId, predictedArrivalAt: eta(input.etaMin) });
      step.progress(input.guardId, input.guardId, 'en_route');
      step.effects.push({ kind: 'notify_guard', guardId: input.guardId });
      step.lateCheck();
      return step.done();
    case 'on_scene': {
      if (order.status !== 'accepted' && order.status !== 'en_route') return refuse('INVALID_TRANSITION');
      const deadline = arrivalDeadline(order);
      step.record('on_scene', input.guardId, { guardId: input.guardId, late: deadline !== null && now > deadline });
      step.progress(input.guardId, input.guardId, 'on_scene');
      step.effects.push({ kind: 'notify_guard', guardId: input.guardId });
      step.lateCheck(now);
      return step.done();
    }
    case 'report':
      if (order.status !== 'on_scene') return refuse('INVALID_TRANSITION');
      step.record('reported', input.guardId, { guardId: input.guardId, finding: input.finding, note: input.note });
      step.incident({ kind: 'guard_reported', actor: input.guardId, detail: { orderId: order.id, guardId: input.guardId, finding: input.finding, note: input.note } });
      step.effects.push({ kind: 'guard_report', guardId: input.guardId, finding: input.finding, note: input.note });
      step.guardStatus(input.guardId, 'available');
      return step.done();
    case 'assign':
      if (!['unassigned', 'issued', 'accepted', 'en_route'].includes(order.status)) return refuse('INVALID_TRANSITION');
      if (order.guardId === input.guard.id) return refuse('ALREADY_ASSIGNED');
      if (order.guardId !== null) {
        const previous = order.guardId;
        step.record('withdrawn', input.actor, { guardId: previous });
        step.progress(input.actor, previous, 'withdrawn');
        step.guardStatus(previous, 'available');
      }
      step.assign(input.guard, input.actor, 'operator');
      return step.done();
    case 'close': {
      const holder = isActive(order.status) ? order.guardId : null;
      const reason = order.status === 'reported' ? 'completed' : 'cancelled';
      step.record('closed', input.actor, { reason, note: input.note });
      step.progress(input.actor, order.guardId, reason === 'completed' ? 'closed' : 'cancelled');
      if (holder !== null) step.guardStatus(holder, 'available');
      else if (order.guardId !== null) step.effects.push({ kind: 'notify_guard', guardId: order.guardId });
      return step.done();
    }
    case 'tick':
      if (order.status === 'issued' && order.acceptBy !== null && now >= order.acceptBy) {
        const late = order.guardId!;
        step.record('not_accepted', SYSTEM, { guardId: late });
        step.progress(SYSTEM, late, 'not_accepted');
        step.guardStatus(late, 'available');
        step.offerNext(input.candidates.filter((c) => c.id !== late));
      } else if (order.status === 'unassigned') {
        const guard = chooseGuard(input.candidates, order.site, new Set(order.refused));
        if (guard) step.assign(guard, SYSTEM, 'dispatch');
      }
      step.lateCheck();
      return step.done();
  }
}
