import type { ColumnType } from 'kysely';

/** Maintenance tickets (migration 0012) as kysely sees them. */
export interface MaintenanceTables {
  maintenance_ticket: MaintenanceTicketTable;
  maintenance_ticket_event: MaintenanceTicketEventTable;
  maintenance_ticket_state: MaintenanceTicketStateTable;
  maintenance_cursor: MaintenanceCursorTable;
}

type Appended<T> = ColumnType<T, T, never>;

/** A ticket's immutable header: history, the database refuses UPDATE and DELETE. */
export interface MaintenanceTicketTable {
  id: ColumnType<string, never, never>;
  account: Appended<string | null>;
  customer_id: Appended<string | null>;
  receiver: Appended<string | null>;
  source: Appended<string>;
  dedupe_key: Appended<string | null>;
  code: Appended<string>;
  zone: Appended<number | null>;
  description: Appended<string>;
  level: Appended<string>;
  opened_at: Appended<Date>;
  opened_by: Appended<string>;
}

/** Everything that happened to a ticket, appended: history. */
export interface MaintenanceTicketEventTable {
  id: ColumnType<string, never, never>;
  ticket_id: Appended<string>;
  at: Appended<Date>;
  actor: Appended<string>;
  kind: Appended<string>;
  /** jsonb: written as JSON text, read as the parsed value. */
  detail: ColumnType<object, string, never>;
}

/** A ticket's current state, derived from its events (rebuildTicketStates). */
export interface MaintenanceTicketStateTable {
  ticket_id: ColumnType<string, string, never>;
  account: ColumnType<string | null, string | null, never>;
  dedupe_key: ColumnType<string | null, string | null, never>;
  status: string;
  level: string;
  level_rank: number;
  opened_at: ColumnType<Date, Date, never>;
  response_due_at: Date;
  repair_due_at: Date;
  on_site_at: Date | null;
  repaired_at: Date | null;
  response_overdue: boolean;
  repair_overdue: boolean;
  due_at: Date | null;
  last_event_id: string;
  /** Ticket as JSON. */
  state: ColumnType<object, string, string>;
}

/** A maintenance consumer's position in the log it reads. */
export interface MaintenanceCursorTable {
  consumer: string;
  seq: string;
  updated_at: ColumnType<Date, Date | undefined, Date | undefined>;
}
