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

/** The orders at work on these incidents, by incident id (one statement). */
export async function activeOrdersOf(db: Db, incidentIds: readonly string[]): Promise<Map<string, DispatchOrder>> {
  const orders = new Map<string, DispatchOrder>();
  if (incidentIds.length === 0) return orders;
  const rows = await db.selectFrom('dispatch_order_state').select(['incident_id', 'state']).where('incident_id', 'in', [...new Set(incidentIds)]).where('status', 'in', ACTIVE_STATUSES).orderBy('order_id').execute();
  for (const row of rows) if (!orders.has(row.incident_id)) orders.set(row.incident_id, row.state as DispatchOrder);
  return orders;
}

/** The id of an order at work the guard holds (the first), if any. */
export async function holdsActiveOrder(db: Db, guardId: string): Promise<string | undefined> {
  const row = await db.selectFrom('dispatch_order_state').select('order_id').where('guard_id', '=', guardId).where('status', 'in', ACTIVE_STATUSES).orderBy('order_id').executeTakeFirst();
  return row?.order_id;
}

/** Stores new orders' headers (one insert); returns them with their ids, in the order given. */
export async function insertOrderHeaders(trx: Transaction<Database>, headers: readonly Omit<OrderHeader, 'id'>[]): Promise<OrderHeader[]> {
  if (headers.length === 0) return [];
  const rows = await trx
    .insertInto('dispatch_order')
    .values(headers.map((header) => ({ incident_id: header.incidentId, account: header.account, requested_at: new Date(header.requestedAt), reason: header.reason, requested_by: header.requestedBy })))
    .returningAll()
    .execute();
  // Ids are drawn in VALUES order: sorted, they line up with `headers`.
  return rows.map(orderHeader).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

/** Events for one order: `before` undefined when the order is new (its first event is `requested`). */
export interface OrderEvents {
  header: OrderHeader;
  before: DispatchOrder | undefined;
  events: readonly NewOrderEvent[];
}

/** Appends events to one order: see appendOrdersEvents. */
export async function appendOrderEvents(trx: Transaction<Database>, header: OrderHeader, before: DispatchOrder | undefined, events: readonly NewOrderEvent[]): Promise<{ order: DispatchOrder; stored: OrderEvent[] }> {
  const [appended] = await appendOrdersEvents(trx, [{ header, before, events }]);
  return appended!;
}

/**
 * Appends events to orders, each order's in order: stored (one insert), audited (same
 * transaction, one chained insert), folded; then the state rows are written (one upsert).
 * Results in the order given.
 */
export async function appendOrdersEvents(trx: Transaction<Database>, orders: readonly OrderEvents[]): Promise<{ order: DispatchOrder; stored: OrderEvent[] }[]> {
  for (const { header, events } of orders) if (events.length === 0) throw new Error(`dispatch order ${header.id}: no events to append`);
  if (orders.length === 0) return [];
  const rows = await trx
    .insertInto('dispatch_order_event')
    .values(orders.flatMap(({ header, events }) => events.map((e) => ({ order_id: header.id, at: new Date(e.at), actor: e.actor, kind: e.kind, detail: JSON.stringify(e.detail) }))))
    .returningAll()
    .execute();
  // One multi-row insert draws its ids in the order given (one sequence): sorted, they line up.
  const all = rows.map(orderEvent).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  let offset = 0;
  const results = orders.map(({ header, before, events }) => {
    const stored = all.slice(offset, offset + events.length);
    offset += events.length;
    let order = before;
    for (const event of stored) order = order === undefined ? foldOrder(header, [event]) : evolveOrder(order, event);
    return { header, order: order!, stored };
  });
  await appendAudits(
    trx,
    results.flatMap(({ header, stored }) =>
      stored.map((e) => ({
        actor: e.actor,
        action: `dispatch.${e.kind}`,
        subjectType: 'dispatch_order',
        subjectId: header.id,
        detail: { eventId: e.id, incidentId: header.incidentId, ...e.detail },
        at: new Date(e.at),
      })),
    ),
  );
  await upsertStateRows(trx, results.map((r) => r.order));
  return results.map(({ order, stored }) => ({ order, stored }));
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

/** Sets guards' status (one statement); `status_since` moves only for those whose status changes. */
export async function writeGuardStatus(trx: Transaction<Database>, ids: string | readonly string[], status: GuardStatus, at: number): Promise<void> {
  const wanted = typeof ids === 'string' ? [ids] : [...new Set(ids)];
  if (wanted.length === 0) return;
  await trx
    .updateTable('guard')
    .set((eb) => ({
      status,
      status_since: eb.case().when('status', '=', status).then(eb.ref('status_since')).else(new Date(at)).end(),
      updated_at: new Date(at),
    }))
    .where('id', 'in', wanted)
    .execute();
}

/** Where a guard goes and the contract, from the account's customer (all null when it has none). */
export interface OrderSiteOf {
  site: OrderSite;
  contractedArrivalMin: number | null;
}

const NO_SITE: OrderSiteOf = { site: { customerName: null, address: null, area: null, position: null }, contractedArrivalMin: null };

/** The order site of each account (one statement); every account asked for is in the map. */
export async function orderSitesOf(db: Db, accounts: readonly string[]): Promise<Map<string, OrderSiteOf>> {
  const sites = new Map<string, OrderSiteOf>();
  if (accounts.length === 0) return sites;
  const rows = await db
    .selectFrom('account')
    .innerJoin('customer', 'customer.id', 'account.customer_id')
    .select(['account.number', 'customer.name', 'customer.address', 'customer.guard_area', 'customer.lat', 'customer.lng', 'customer.contracted_arrival_min'])
    .where('account.number', 'in', [...new Set(accounts)])
    .execute();
  for (const row of rows) {
    sites.set(row.number, {
      site: { customerName: row.name, address: row.address, area: row.guard_area, position: row.lat === null || row.lng === null ? null : { lat: row.lat, lng: row.lng } },
      contractedArrivalMin: row.contracted_arrival_min,
    });
  }
  for (const account of accounts) if (!sites.has(account)) sites.set(account, NO_SITE);
  return sites;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a user id (a uuid): anything else would make PostgreSQL throw on the cast. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
