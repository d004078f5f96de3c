import { z } from 'zod';
import { ESCALATION_REASONS, GUARD_FINDINGS, GUARD_STATUSES, ORDER_EVENT_KINDS, ORDER_STATUSES, type DispatchOrder, type OrderEvent } from './dispatch-order.js';
import type { Guard } from './dispatch-store.js';

const iso = z.string();
const note = z.string().max(2000).default('');
const position = z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) });
/** A guard's own estimate, minutes from now. */
const etaMin = z.number().int().min(1).max(600).nullable().default(null);

export const orderIdSchema = z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, 'an order id is a positive integer') });
export const guardIdSchema = z.object({ id: z.string().uuid('a guard id is a user id (uuid)') });
export const customerIdSchema = z.object({ id: z.string().uuid('a customer id is a uuid') });

export const acceptBodySchema = z.object({ etaMin }).default({ etaMin: null });
export const enRouteBodySchema = acceptBodySchema;
export const declineBodySchema = z.object({ note }).default({ note: '' });
export const reportBodySchema = z.object({ finding: z.enum(GUARD_FINDINGS), note });
export const guardStatusBodySchema = z.object({ status: z.enum(GUARD_STATUSES), position: position.nullable().optional() });
export const registerGuardBodySchema = z.object({
  userId: z.string().uuid(),
  area: z.string().min(1).max(100).nullable().default(null),
  position: position.nullable().default(null),
  status: z.enum(GUARD_STATUSES).default('off_duty'),
});
export const assignBodySchema = z.object({ guardId: z.string().uuid() });
export const closeBodySchema = z.object({ note }).default({ note: '' });
export const contractedArrivalBodySchema = z.object({ minutes: z.number().int().min(1).max(1440).nullable() });

export const orderListQuerySchema = z.object({
  incidentId: z.string().regex(/^[1-9][0-9]{0,17}$/).optional(),
  status: z.enum([...ORDER_STATUSES, 'active']).optional().describe('`active`: unassigned, issued, accepted, en route or on scene'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const orderViewSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  account: z.string(),
  requestedAt: iso,
  reason: z.string(),
  requestedBy: z.string(),
  site: z.object({ customerName: z.string().nullable(), address: z.string().nullable(), area: z.string().nullable(), position: position.nullable() }),
  status: z.enum(ORDER_STATUSES),
  guardId: z.string().nullable(),
  guardName: z.string().nullable(),
  acceptBy: iso.nullable(),
  predictedArrivalAt: iso.nullable(),
  contractedArrivalAt: iso.nullable(),
  arrivedAt: iso.nullable(),
  escalated: z.array(z.enum(ESCALATION_REASONS)),
  offered: z.array(z.string()),
  refused: z.array(z.string()),
  finding: z.enum(GUARD_FINDINGS).nullable(),
  reportNote: z.string().nullable(),
  closedReason: z.enum(['completed', 'cancelled']).nullable(),
  lastEventId: z.string().nullable(),
  lastEventAt: iso,
});

export const eventViewSchema = z.object({ id: z.string(), orderId: z.string(), at: iso, actor: z.string(), kind: z.enum(ORDER_EVENT_KINDS as [string, ...string[]]), detail: z.record(z.string(), z.unknown()) });

export const guardViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(GUARD_STATUSES),
  area: z.string().nullable(),
  position: position.nullable(),
  statusSince: iso,
  updatedAt: iso,
});

export type OrderView = z.infer<typeof orderViewSchema>;

const isoOf = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : isoOf(ms));

/** An order as the API and the guard channel show it: times as ISO 8601 UTC. */
export function orderView(o: DispatchOrder): OrderView {
  return {
    ...o,
    requestedAt: isoOf(o.requestedAt),
    acceptBy: isoOrNull(o.acceptBy),
    predictedArrivalAt: isoOrNull(o.predictedArrivalAt),
    contractedArrivalAt: isoOrNull(o.contractedArrivalAt),
    arrivedAt: isoOrNull(o.arrivedAt),
    lastEventAt: isoOf(o.lastEventAt),
  };
}

/** An event as the API shows it (times inside `detail` stay as stored: epoch ms). */
export function eventView(e: OrderEvent): z.infer<typeof eventViewSchema> {
  return { id: e.id, orderId: e.orderId, at: isoOf(e.at), actor: e.actor, kind: e.kind, detail: { ...e.detail } };
}

export function guardView(g: Guard): z.infer<typeof guardViewSchema> {
  return { ...g, statusSince: isoOf(g.statusSince), updatedAt: isoOf(g.updatedAt) };
}
