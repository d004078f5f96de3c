import type { ColumnType } from 'kysely';
import type { AuditTables } from '../audit/audit-tables.js';
import type { AuthTables } from '../auth/auth-tables.js';
import type { CustomerTables } from '../customers/customer-tables.js';
import type { DispatchTables } from '../dispatch/dispatch-tables.js';
import type { FailoverTables } from '../failover/failover-tables.js';
import type { IncidentTables } from '../incidents/incident-tables.js';
import type { SupervisionTables } from '../supervision/supervision-tables.js';
import type { UplinkTables } from '../uplink110/uplink-tables.js';
import type { VerificationTables } from '../verification/shell/verification-tables.js';
import type { MaintenanceTables } from '../maintenance/maintenance-tables.js';
import type { ComplaintTables } from '../complaints/complaint-tables.js';

/**
 * The tables as kysely sees them. Rows are history: arc appends and never updates them, so the
 * update type of every history column is `never` and an `updateTable` does not compile.
 */
export interface Database extends AuthTables, AuditTables, CustomerTables, DispatchTables, FailoverTables, IncidentTables, SupervisionTables, UplinkTables, VerificationTables, MaintenanceTables, ComplaintTables {
  node_start: NodeStartTable;
  account: AccountTable;
  journal: JournalTable;
  journal_cursor: JournalCursorTable;
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

/** The accounts receivers know (migration 0002). Configuration, not history: it may change. */
export interface AccountTable {
  number: string;
  aes_key: Buffer | null;
  encrypted_only: ColumnType<boolean, boolean | undefined, boolean>;
  /** The customer it belongs to (migration 0003); null until one is assigned. */
  customer_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** Every frame every receiver got (migration 0002); see src/journal/reception.ts. */
export interface JournalTable {
  seq: ColumnType<string, string, never>;
  node_id: Appended<string>;
  transport: Appended<string>;
  receiver: Appended<string>;
  peer: Appended<string>;
  received_at: Appended<Date>;
  raw: Appended<Buffer>;
  format: Appended<string | null>;
  account: Appended<string | null>;
  outcome: Appended<string>;
  error_code: Appended<string | null>;
  error_message: Appended<string | null>;
  /** jsonb: written as JSON text, read as the parsed value. */
  frame: ColumnType<object | null, string | null, never>;
  events: ColumnType<unknown[], string, never>;
  dedup_key: Appended<string | null>;
  duplicate_of: Appended<string | null>;
}

/** Each consumer's position in the journal: state, moved with the consumer's effects. */
export interface JournalCursorTable {
  consumer: string;
  seq: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
