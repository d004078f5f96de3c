import { type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import { appendAudits } from '../audit/append-audit.js';
import type { Database } from '../store/database-schema.js';
import type { GuardCandidate } from './choose-guard.js';
import {
  ACTIVE_STATUSES,
  evolveOrder,
  foldOrder,
  nextDueAt,
  type DispatchOrder,
  type GuardStatus,
  type NewOrderEvent,
  type OrderEvent,
  type OrderHeader,
  type OrderSite,
} from './dispatch-order.js';
import type { DispatchOrderEventTable, DispatchOrderStateTable, DispatchOrderTable, GuardTable } from './dispatch-tables.js';

type Db = Kysely<Database> | Transaction<Database>;

export function orderHeader(row: Selectable<DispatchOrderTable>): OrderHeader {
  return { id: row.id, incidentId: row.incident_id, account: row.account, requestedAt: row.requested_at.getTime(), reason: row.reason, requestedBy: row.requested_by };
}

export function orderEvent(row: Selectable<DispatchOrderEventTable>): OrderEvent {
  return { id: row.id, orderId: row.order_id, at: row.at.getTime(), actor: row.actor, kind: row.kind, detail: row.detail } as OrderEvent; // written together from a NewOrderEvent
}

export interface LoadedOrder {
  order: DispatchOrder;
  events: OrderEvent[];
}

/** An order from its header and events (the state row is not trusted for it). */
export async function loadOrder(db: Db, id: string): Promise<LoadedOrder | undefined> {
  const header = await db.selectFrom('dispatch_order').selectAll().where('id', '=', id).executeTakeFirst();
  if (header === undefined) return undefined;
  const rows = await db.selectFrom('dispatch_order_event').selectAll().where('order_id', '=', id).orderBy('id').execute();
  const events = rows.map(orderEvent);
  return { order: foldOrder(orderHeader(header), events), events };
}

/** Locks an order (its state row) for the rest of the transaction and loads it. */
export async function lockOrder(trx: Transaction<Database>, id: string): Promise<LoadedOrder | undefined> {
  const row = await trx.selectFrom('dispatch_order_state').select('order_id').where('order_id', '=', id).forUpdate().executeTakeFirst();
  return row === undefined ? undefined : loadOrder(trx, id);
}

/** The order at work on an incident (unassigned … on scene), if any. */
export async function activeOrderOf(db: Db, incidentId: string): Promise<DispatchOrder | undefined> {
  const row = await db.selectFrom('dispatch_order_state').select('state').where('incident_id', '=', incidentId).where('status', 'in', ACTIVE_STATUSES).executeTakeFirst();
  return row?.state as DispatchOrder | undefined;
}

/** The id of an order at work the guard holds (the first), if any. */
export async function holdsActiveOrder(db: Db, guardId: string): Promise<string | undefined> {
  const row = await db.selectFrom('dispatch_order_state').select('order_id').where('guard_id', '=', guardId).where('status', 'in', ACTIVE_STATUSES).orderBy('order_id').executeTakeFirst();
  return row?.order_id;
}

/** Stores a new order's header; returns it with its id. */
export async function insertOrderHeader(trx: Transaction<Database>, header: Omit<OrderHeader, 'id'>): Promise<OrderHeader> {
  const row = await trx
    .insertInto('dispatch_order')
    .values({ incident_id: header.incidentId, account: header.account, requested_at: new Date(header.requestedAt), reason: header.reason, requested_by: header.requestedBy })
    .returningAll()
    .executeTakeFirstOrThrow();
  return orderHeader(row);
}

/**
 * Appends events to an order, in order: each stored, audited (same transaction), folded; then
 * the state row is written. `before` undefined: the first event is `requested`.
 */
export async function appendOrderEvents(trx: Transaction<Database>, header: OrderHeader, before: DispatchOrder | undefined, events: readonly NewOrderEvent[]): Promise<{ order: DispatchOrder; stored: OrderEvent[] }> {
  if (events.length === 0) throw new Error(`dispatch order ${header.id}: no events to append`);
  const rows = await trx
    .insertInto('dispatch_order_event')
    .values(events.map((e) => ({ order_id: header.id, at: new Date(e.at), actor: e.actor, kind: e.kind, detail: JSON.stringify(e.detail) })))
    .returningAll()
    .execute();
  // One multi-row insert returns its rows in the order given (ids from one sequence, ascending).
  const stored = rows.map(orderEvent).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  let order = before;
  for (const event of stored) order = order === undefined ? foldOrder(header, [event]) : evolveOrder(order, event);
  await appendAudits(
    trx,
    stored.map((e) => ({
      actor: e.actor,
      action: `dispatch.${e.kind}`,
      subjectType: 'dispatch_order',
      subjectId: header.id,
      detail: { eventId: e.id, incidentId: header.incidentId, ...e.detail },
      at: new Date(e.at),
    })),
  );
  await upsertStateRows(trx, [order!]);
  return { order: order!, stored };
}

/** The state row of an order (the row is the state, with what the timer and the lists query). */
export function stateRow(order: DispatchOrder): Insertable<DispatchOrderStateTable> {
  const at = (ms: number | null) => (ms === null ? null : new Date(ms));
  return {
    order_id: order.id,
    incident_id: order.incidentId,
    account: order.account,
    status: order.status,
    guard_id: order.guardId,
    accept_by: at(order.acceptBy),
    predicted_arrival_at: at(order.predictedArrivalAt),
    contracted_arrival_at: at(order.contractedArrivalAt),
    escalated: JSON.stringify(order.escalated),
    due_at: at(nextDueAt(order)),
    requested_at: new Date(order.requestedAt),
    last_event_id: order.lastEventId!,
    state: JSON.stringify(order),
  };
}

async function upsertStateRows(trx: Transaction<Database>, orders: readonly DispatchOrder[]): Promise<void> {
  await trx
    .insertInto('dispatch_order_state')
    .values(orders.map(stateRow))
    .onConflict((oc) =>
      oc.column('order_id').doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        guard_id: eb.ref('excluded.guard_id'),
        accept_by: eb.ref('excluded.accept_by'),
        predicted_arrival_at: eb.ref('excluded.predicted_arrival_at'),
        contracted_arrival_at: eb.ref('excluded.contracted_arrival_at'),
        escalated: eb.ref('excluded.escalated'),
        due_at: eb.ref('excluded.due_at'),
        last_event_id: eb.ref('excluded.last_event_id'),
        state: eb.ref('excluded.state'),
      })),
    )
    .execute();
}

/**
 * Rewrites every order's state row from its events: the state is derived, and this is the
 * proof (and the repair). Returns how many orders it folded.
 */
export async function rebuildDispatchState(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ids = await trx.selectFrom('dispatch_order').select('id').orderBy('id').execute();
    for (const { id } of ids) {
      const loaded = await loadOrder(trx, id);
      if (loaded) await upsertStateRows(trx, [loaded.order]);
    }
    return ids.length;
  });
}

/** A registered guard as the API shows it (times epoch ms). */
export interface Guard {
  id: string;
  name: string;
  status: GuardStatus;
  area: string | null;
  position: { lat: number; lng: number } | null;
  statusSince: number;
  updatedAt: number;
}

export function guardOf(row: Selectable<GuardTable>): Guard {
  return {
    id: row.id,
    name: row.name,
    status: row.status as GuardStatus,
    area: row.area,
    position: row.lat === null || row.lng === null ? null : { lat: row.lat, lng: row.lng },
    statusSince: row.status_since.getTime(),
    updatedAt: row.updated_at.getTime(),
  };
}

export async function loadGuard(db: Db, id: string): Promise<Guard | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db.selectFrom('guard').selectAll().where('id', '=', id).executeTakeFirst();
  return row && guardOf(row);
}

export function candidateOf(g: Guard): GuardCandidate {
  return { id: g.id, name: g.name, area: g.area, position: g.position, availableSince: g.statusSince };
}

/** The guards dispatch may give an order to now: available, and their user not disabled. */
export async function availableGuards(db: Db): Promise<GuardCandidate[]> {
  const rows = await db
    .selectFrom('guard')
    .innerJoin('app_user', 'app_user.id', 'guard.id')
    .selectAll('guard')
    .where('guard.status', '=', 'available')
    .where('app_user.disabled', '=', false)
    .execute();
  return rows.map((r) => candidateOf(guardOf(r)));
}

/** Sets a guard's status; `status_since` moves only when the status changes. */
export async function writeGuardStatus(trx: Transaction<Database>, id: string, status: GuardStatus, at: number): Promise<void> {
  await trx
    .updateTable('guard')
    .set((eb) => ({
      status,
      status_since: eb.case().when('status', '=', status).then(eb.ref('status_since')).else(new Date(at)).end(),
      updated_at: new Date(at),
    }))
    .where('id', '=', id)
    .execute();
}

/** Where the guard goes and the contract, from the account's customer (all null when it has none). */
export async function orderSiteOf(db: Db, account: string): Promise<{ site: OrderSite; contractedArrivalMin: number | null }> {
  const row = await db
    .selectFrom('account')
    .innerJoin('customer', 'customer.id', 'account.customer_id')
    .select(['customer.name', 'customer.address', 'customer.guard_area', 'customer.lat', 'customer.lng', 'customer.contracted_arrival_min'])
    .where('account.number', '=', account)
    .executeTakeFirst();
  if (!row) return { site: { customerName: null, address: null, area: null, position: null }, contractedArrivalMin: null };
  return {
    site: { customerName: row.name, address: row.address, area: row.guard_area, position: row.lat === null || row.lng === null ? null : { lat: row.lat, lng: row.lng } },
    contractedArrivalMin: row.contracted_arrival_min,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a user id (a uuid): anything else would make PostgreSQL throw on the cast. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
