import type { ColumnType } from 'kysely';

/** Incidents (migration 0005) as kysely sees them. */
export interface IncidentTables {
  incident: IncidentTable;
  incident_action: IncidentActionTable;
  incident_queue: IncidentQueueTable;
}

type Appended<T> = ColumnType<T, T, never>;

/** The immutable header: history, the database refuses UPDATE and DELETE. */
export interface IncidentTable {
  /** Drawn by the incidents consumer before its batch is written (IncidentBatch.assignIds), else by the sequence. */
  id: ColumnType<string, string | undefined, never>;
  account: Appended<string>;
  customer_id: Appended<string | null>;
  opened_at: Appended<Date>;
  opening_seq: Appended<string>;
}

/** Every change to an incident, appended: history. `id` is the feed sequence. */
export interface IncidentActionTable {
  id: ColumnType<string, never, never>;
  incident_id: Appended<string>;
  at: Appended<Date>;
  actor: Appended<string>;
  kind: Appended<string>;
  /** jsonb: written as JSON text, read as the parsed value. */
  detail: ColumnType<object, string, never>;
  journal_seq: Appended<string | null>;
}

/**
 * The queue: each incident's current state, derived from its actions and rebuildable from them
 * (rebuildIncidentQueue). State, not history: it is updated as actions are appended.
 */
export interface IncidentQueueTable {
  incident_id: ColumnType<string, string, never>;
  account: ColumnType<string, string, never>;
  status: string;
  priority: string;
  priority_rank: number;
  opened_at: ColumnType<Date, Date, never>;
  owner_id: string | null;
  forwarded_110: boolean;
  last_action_id: string;
  /** IncidentState as JSON (`json`, not `jsonb`, since migration 0016: read and written whole). */
  state: ColumnType<object, string, string>;
}
