import type { ColumnType } from 'kysely';

/** The tables of users and their sessions (migration 0004). */
export interface AuthTables {
  app_user: AppUserTable;
  user_session: UserSessionTable;
}

export interface AppUserTable {
  id: ColumnType<string, string | undefined, never>;
  username: string;
  display_name: string;
  role: string;
  /** scrypt, see secret-hash.ts; never leaves the server. */
  password_hash: string;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface UserSessionTable {
  /** sha256 of the bearer token, hex. */
  token_hash: ColumnType<string, string, never>;
  user_id: ColumnType<string, string, never>;
  created_at: ColumnType<Date, Date, never>;
  expires_at: ColumnType<Date, Date, never>;
  /** Set by sign-out; a session is state, not history. */
  ended_at: ColumnType<Date | null, Date | null | undefined, Date>;
}
