import type { ColumnType } from 'kysely';

/** The complaint register (migration 0013) as kysely sees it. */
export interface ComplaintTables {
  complaint: ComplaintTable;
  complaint_event: ComplaintEventTable;
  complaint_state: ComplaintStateTable;
}

type Appended<T> = ColumnType<T, T, never>;

/** A complaint's immutable header: history, the database refuses UPDATE and DELETE. */
export interface ComplaintTable {
  id: ColumnType<string, never, never>;
  customer_id: Appended<string | null>;
  complainant_name: Appended<string | null>;
  complainant_phone: Appended<string | null>;
  complained_at: Appended<Date>;
  content: Appended<string>;
  /** The user who took it. */
  received_by: Appended<string>;
  promised: Appended<string>;
  recorded_at: Appended<Date>;
}

/** Everything done about a complaint, appended: history. */
export interface ComplaintEventTable {
  id: ColumnType<string, never, never>;
  complaint_id: Appended<string>;
  at: Appended<Date>;
  actor: Appended<string>;
  kind: Appended<string>;
  /** jsonb: written as JSON text, read as the parsed value. */
  detail: ColumnType<object, string, never>;
}

/** A complaint's current state, derived from its events (rebuildComplaintStates). */
export interface ComplaintStateTable {
  complaint_id: ColumnType<string, string, never>;
  customer_id: ColumnType<string | null, string | null, never>;
  status: string;
  complained_at: ColumnType<Date, Date, never>;
  reply_due_at: Date;
  replied_at: Date | null;
  overdue: boolean;
  last_event_id: string;
  /** Complaint as JSON. */
  state: ColumnType<object, string, string>;
}
