import type { ColumnType } from 'kysely';

/** The 110 uplink (migration 0008) as kysely sees it. */
export interface UplinkTables {
  uplink_outbox: UplinkOutboxTable;
  uplink_attempt: UplinkAttemptTable;
}

type Appended<T> = ColumnType<T, T, never>;

export type OutboxStatus = 'pending' | 'accepted' | 'rejected' | 'not_sent';

/**
 * The outbox: state, one row per message, keyed by (incident_id, revision, kind). Updated as
 * the message is delivered; its attempts are history in `uplink_attempt`.
 */
export interface UplinkOutboxTable {
  id: ColumnType<string, never, never>;
  incident_id: ColumnType<string, string, never>;
  revision: ColumnType<number, number, never>;
  kind: ColumnType<string, string, never>;
  /** jsonb: the message as it goes on the wire (without the signature). */
  payload: ColumnType<object, string, never>;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date | null;
  created_at: ColumnType<Date, Date, never>;
  accepted_at: Date | null;
  case_number: string | null;
  reject_reason: string | null;
  escalated_at: Date | null;
  last_error: string | null;
}

export type AttemptResult = 'accepted' | 'rejected' | 'http_error' | 'network_error' | 'timeout' | 'bad_answer';

/** One delivery attempt and its result: history, the database refuses UPDATE and DELETE. */
export interface UplinkAttemptTable {
  id: ColumnType<string, never, never>;
  outbox_id: Appended<string>;
  attempt: Appended<number>;
  started_at: Appended<Date>;
  duration_ms: Appended<number>;
  result: Appended<AttemptResult>;
  http_status: Appended<number | null>;
  detail: Appended<string | null>;
}
