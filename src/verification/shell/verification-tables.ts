import type { ColumnType } from 'kysely';

/** The verification engine's tables (migration 0011) as kysely sees them. */
export interface VerificationTables {
  verification_state: VerificationStateTable;
  verification_policy: VerificationPolicyTable;
}

/** One row per account the engine has seen: its VerificationState as JSON (state, updated in place; `json`, not `jsonb`, since migration 0016: read and written whole). */
export interface VerificationStateTable {
  account: ColumnType<string, string, never>;
  state: ColumnType<object, string, string>;
  /** The earliest timer of the open case; null when none runs. */
  next_timer_at: Date | null;
  updated_at: Date;
}

/** An account's policy: a preset name and PolicyOverrides as JSON (configuration). */
export interface VerificationPolicyTable {
  account: ColumnType<string, string, never>;
  preset: string;
  overrides: ColumnType<object, string, string>;
  updated_at: Date;
}
