import type { ColumnType } from 'kysely';

/** Guard dispatch (migration 0009) as kysely sees it. */
export interface DispatchTables {
  guard: GuardTable;
  dispatch_order: DispatchOrderTable;
  dispatch_order_event: DispatchOrderEventTable;
  dispatch_order_state: DispatchOrderStateTable;
  dispatch_request: DispatchRequestTable;
}

type Appended<T> = ColumnType<T, T, never>;

// Migration 0009 adds the contracted arrival to the customer table; declared here, beside the
// migration that adds it, so that the customer domain's own table type stays as it was.
declare module '../customers/customer-tables.js' {
  interface CustomerTable {
    /** Minutes from the dispatch request to the guard on site, by contract; null: none. */
    contracted_arrival_min: ColumnType<number | null, number | null | undefined, number | null>;
  }
}

/** A user with role guard, registered for dispatch. State: updated in place, each change audited. */
export interface GuardTable {
  id: ColumnType<string, string, never>;
  name: string;
  status: string;
  area: string | null;
  lat: number | null;
  lng: number | null;
  status_since: Date;
  updated_at: Date;
}

/** An order's immutable header: history, the database refuses UPDATE and DELETE. */
export interface DispatchOrderTable {
  id: ColumnType<string, never, never>;
  incident_id: Appended<string>;
  account: Appended<string>;
  requested_at: Appended<Date>;
  reason: Appended<string>;
  requested_by: Appended<string>;
}

/** Everything that happened to an order, appended: history. */
export interface DispatchOrderEventTable {
  id: ColumnType<string, never, never>;
  order_id: Appended<string>;
  at: Appended<Date>;
  actor: Appended<string>;
  kind: Appended<string>;
  /** jsonb: written as JSON text, read as the parsed value. */
  detail: ColumnType<object, string, never>;
}

/** An order's current state, derived from its events (rebuildDispatchState). */
export interface DispatchOrderStateTable {
  order_id: ColumnType<string, string, never>;
  incident_id: ColumnType<string, string, never>;
  account: ColumnType<string, string, never>;
  status: string;
  guard_id: string | null;
  accept_by: Date | null;
  predicted_arrival_at: Date | null;
  contracted_arrival_at: Date | null;
  escalated: ColumnType<string[], string, string>;
  due_at: Date | null;
  requested_at: ColumnType<Date, Date, never>;
  last_event_id: string;
  /** DispatchOrder as JSON. */
  state: ColumnType<object, string, string>;
}

/**
 * The engine's guard request, queued (migration 0014): inserted in the deciding transaction,
 * handled once by the dispatch worker, which sets the last three columns.
 */
export interface DispatchRequestTable {
  id: ColumnType<string, never, never>;
  incident_id: Appended<string>;
  account: Appended<string>;
  reason: Appended<string>;
  requested_by: Appended<string>;
  requested_at: Appended<Date>;
  handled_at: ColumnType<Date | null, never, Date>;
  order_id: ColumnType<string | null, never, string | null>;
  outcome: ColumnType<string | null, never, string>;
}
