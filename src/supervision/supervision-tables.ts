import type { ColumnType } from 'kysely';

/** Supervision's tables (migration 0007) as kysely sees them. */
export interface SupervisionTables {
  supervision_event: SupervisionEventTable;
  account_supervision: AccountSupervisionTable;
}

type Appended<T> = ColumnType<T, T, never>;

/**
 * The durable log of supervision transitions: history, append-only (a trigger refuses UPDATE
 * and DELETE). `late` opens a communication-fail trouble, `restored`/`excluded` end it; a
 * receiver's `silent`/`disconnected` opens a receiver trouble, `up` ends it.
 */
export interface SupervisionEventTable {
  seq: ColumnType<string, never, never>;
  subject_type: Appended<'account' | 'receiver'>;
  /** The account number, or the receiver's configured name. */
  subject: Appended<string>;
  kind: Appended<string>;
  at: Appended<Date>;
  last_report_at: Appended<Date | null>;
  /** The node that saw it (a serial receiver is one node's). */
  node_id: Appended<string>;
  detail: ColumnType<object | null, string | null, never>;
  recorded_at: ColumnType<Date, Date | undefined, never>;
}

/** Per-account supervision settings over the customer's (configuration: edited in place). */
export interface AccountSupervisionTable {
  account: string;
  /** null: the customer's reporting interval. */
  interval_s: number | null;
  /** null: the default grace (one interval, at most an hour). */
  grace_s: number | null;
  counts_as: string;
  updated_at: Date;
}
