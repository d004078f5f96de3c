import type { ColumnType } from 'kysely';

/**
 * The tables as kysely sees them. Rows are history: arc appends and never updates them, so the
 * update type of every history column is `never` and an `updateTable` does not compile.
 */
export interface Database {
  node_start: NodeStartTable;
}

/** Appended-only; written for a column: `ColumnType<read, insert, update>`. */
type Appended<T> = ColumnType<T, T, never>;

/** One row per start of an arc node (migration 0001). */
export interface NodeStartTable {
  /** bigserial; int8 reads as a string from both pg and PGlite. */
  id: ColumnType<string, never, never>;
  node_id: Appended<string>;
  started_at: ColumnType<Date, Date | undefined, never>;
  /** arc's package version. */
  version: Appended<string>;
  /** `pglite` or `postgres`. */
  database_kind: Appended<string>;
}
