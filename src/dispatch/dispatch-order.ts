import type { GuardFinding } from '../verification/evidence.js';

/**
 * Where an order stands. `unassigned`: no guard holds it (none available, or the last one
 * declined or did not accept in time); `issued`: offered to a guard who has not accepted yet;
 * `reported`: the guard reported the finding and is free again; `closed`: filed by an operator.
 */
export const ORDER_STATUSES = ['unassigned', 'issued', 'accepted', 'en_route', 'on_scene', 'reported', 'closed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** An order at work: needs a guard, or a guard is on it. One per incident at a time. */
export const ACTIVE_STATUSES = ['unassigned', 'issued', 'accepted', 'en_route', 'on_scene'] as const satisfies readonly OrderStatus[];

/** Not yet on site: the arrival deadline still runs. */
const ON_THE_WAY: readonly OrderStatus[] = ['unassigned', 'issued', 'accepted', 'en_route'];

export const GUARD_STATUSES = ['off_duty', 'available', 'busy'] as const;
export type GuardStatus = (typeof GUARD_STATUSES)[number];

export const ESCALATION_REASONS = ['not_accepted', 'no_guard_available', 'late_arrival'] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

export const GUARD_FINDINGS = ['real', 'false', 'no_access'] as const satisfies readonly GuardFinding[];

export interface LatLng {
  lat: number;
  lng: number;
}

/** Where the guard goes, as it was when the order was requested. */
export interface OrderSite {
  customerName: string | null;
  address: string | null;
  area: string | null;
  position: LatLng | null;
}

/** What never changes once an order exists (table `dispatch_order`). Times are epoch ms. */
export interface OrderHeader {
  id: string;
  incidentId: string;
  account: string;
  requestedAt: number;
  reason: string;
  /** A user id, or `system` (the verification engine). */
  requestedBy: string;
}

/** What each kind of order event records (its `detail` column). */
export interface OrderEventDetails {
  /** Always the first event. */
  requested: { site: OrderSite; contractedArrivalAt: number | null };
  /** `by`: dispatch chose the guard, or an operator named them. */
  assigned: { guardId: string; guardName: string; acceptBy: number; predictedArrivalAt: number; by: 'dispatch' | 'operator' };
  declined: { guardId: string; note: string };
  /** The guard did not accept before `acceptBy`. */
  not_accepted: { guardId: string };
  /** An operator took the order away from the guard (to give it to another, or to nobody). */
  withdrawn: { guardId: string };
  accepted: { guardId: string; predictedArrivalAt: number };
  en_route: { guardId: string; predictedArrivalAt: number };
  /** `late`: after the contracted (or, without a contract, the predicted) arrival. */
  on_scene: { guardId: string; late: boolean };
  reported: { guardId: string; finding: GuardFinding; note: string };
  escalated: { reason: EscalationReason };
  /** `completed`: after the report; `cancelled`: before it. */
  closed: { reason: 'completed' | 'cancelled'; note: string };
}

export type OrderEventKind = keyof OrderEventDetails;

export const ORDER_EVENT_KINDS: readonly OrderEventKind[] = [
  'requested', 'assigned', 'declined', 'not_accepted', 'withdrawn', 'accepted', 'en_route', 'on_scene', 'reported', 'escalated', 'closed',
];

/** An event before it is stored: when (epoch ms), who (a user id or `system`), what. */
export type NewOrderEvent = {
  [K in OrderEventKind]: { kind: K; at: number; actor: string; detail: OrderEventDetails[K] };
}[OrderEventKind];

export type OrderEvent = NewOrderEvent & { id: string; orderId: string };

/** An order as its events make it (the `dispatch_order_state` row holds it). */
export interface DispatchOrder extends OrderHeader {
  site: OrderSite;
  status: OrderStatus;
  guardId: string | null;
  guardName: string | null;
  /** While issued: the guard must accept by then, else the order goes to the next guard. */
  acceptBy: number | null;
  predictedArrivalAt: number | null;
  contractedArrivalAt: number | null;
  arrivedAt: number | null;
  /** Each reason the operator was told of, in order (a reason may repeat, late arrival never does). */
  escalated: EscalationReason[];
  /** Every guard the order was given to, in order. */
  offered: string[];
  /** Guards who declined or did not accept in time: dispatch never offers it to them again. */
  refused: string[];
  finding: GuardFinding | null;
  reportNote: string | null;
  closedReason: 'completed' | 'cancelled' | null;
  lastEventId: string | null;
  lastEventAt: number;
}

/** The state a `requested` event starts. */
function requested(header: OrderHeader, event: NewOrderEvent & { kind: 'requested' }): DispatchOrder {
  return {
    ...header,
    site: event.detail.site,
    status: 'unassigned',
    guardId: null,
    guardName: null,
    acceptBy: null,
    predictedArrivalAt: null,
    contractedArrivalAt: event.detail.contractedArrivalAt,
    arrivedAt: null,
    escalated: [],
    offered: [],
    refused: [],
    finding: null,
    reportNote: null,
    closedReason: null,
    lastEventId: 'id' in event ? (event as OrderEvent).id : null,
    lastEventAt: event.at,
  };
}

const unassigned = { status: 'unassigned', guardId: null, guardName: null, acceptBy: null, predictedArrivalAt: null } as const;

/** One event applied: the only way an order's state changes. */
export function evolveOrder(order: DispatchOrder, event: NewOrderEvent | OrderEvent): DispatchOrder {
  const next = { ...order, lastEventId: 'id' in event ? event.id : null, lastEventAt: event.at };
  switch (event.kind) {
    case 'requested':
      return next; // only ever first: foldOrder starts from it
    case 'assigned': {
      const { guardId, guardName, acceptBy, predictedArrivalAt } = event.detail;
      return { ...next, status: 'issued', guardId, guardName, acceptBy, predictedArrivalAt, offered: [...next.offered, guardId] };
    }
    case 'declined':
    case 'not_accepted':
      return { ...next, ...unassigned, refused: next.refused.includes(event.detail.guardId) ? next.refused : [...next.refused, event.detail.guardId] };
    case 'withdrawn':
      return { ...next, ...unassigned };
    case 'accepted':
      return { ...next, status: 'accepted', acceptBy: null, predictedArrivalAt: event.detail.predictedArrivalAt };
    case 'en_route':
      return { ...next, status: 'en_route', predictedArrivalAt: event.detail.predictedArrivalAt };
    case 'on_scene':
      return { ...next, status: 'on_scene', arrivedAt: event.at };
    case 'reported':
      return { ...next, status: 'reported', finding: event.detail.finding, reportNote: event.detail.note };
    case 'escalated':
      return { ...next, escalated: [...next.escalated, event.detail.reason] };
    case 'closed':
      return { ...next, status: 'closed', acceptBy: null, closedReason: event.detail.reason };
  }
}

/** The state of an order from its header and all its events, in order (the first is `requested`). */
export function foldOrder(header: OrderHeader, events: readonly (NewOrderEvent | OrderEvent)[]): DispatchOrder {
  const [first, ...rest] = events;
  if (first?.kind !== 'requested') throw new Error(`dispatch order ${header.id}: the first event is not 'requested'`);
  let order = requested(header, first);
  for (const event of rest) order = evolveOrder(order, event);
  return order;
}

export function isActive(status: OrderStatus): boolean {
  return (ACTIVE_STATUSES as readonly OrderStatus[]).includes(status);
}

/** The arrival the guard is held to: the contract's, else the predicted one; null when neither. */
export function arrivalDeadline(order: Pick<DispatchOrder, 'contractedArrivalAt' | 'predictedArrivalAt'>): number | null {
  return order.contractedArrivalAt ?? order.predictedArrivalAt;
}

/** Whether the arrival deadline still runs and can still escalate. */
export function arrivalWatched(order: DispatchOrder): boolean {
  return ON_THE_WAY.includes(order.status) && !order.escalated.includes('late_arrival') && arrivalDeadline(order) !== null;
}

/**
 * The next time the timer must look at the order (epoch ms), or null: the acceptance deadline
 * while issued, and the arrival deadline until the guard is on site or it has escalated.
 */
export function nextDueAt(order: DispatchOrder): number | null {
  const due: number[] = [];
  if (order.status === 'issued' && order.acceptBy !== null) due.push(order.acceptBy);
  // Late means after the deadline: the timer looks just past it.
  if (arrivalWatched(order)) due.push(arrivalDeadline(order)! + 1);
  return due.length === 0 ? null : Math.min(...due);
}
