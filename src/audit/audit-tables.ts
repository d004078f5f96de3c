import type { ColumnType } from 'kysely';

/** The hash-chained audit log (migration 0004): appended, never changed (the database refuses). */
export interface AuditTables {
  audit_log: AuditLogTable;
}

type Appended<T> = ColumnType<T, T, never>;

export interface AuditLogTable {
  seq: ColumnType<string, string, never>;
  at: Appended<Date>;
  /** A user id, or a process: `system`, `import`. */
  actor: Appended<string>;
  action: Appended<string>;
  subject_type: Appended<string>;
  subject_id: Appended<string>;
  detail: ColumnType<object, string, never>;
  prev_hash: Appended<string>;
  hash: Appended<string>;
}
