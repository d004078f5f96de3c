import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';

/**
 * The PostgreSQL channel on which "the account table changed" is announced, for a process that
 * changed accounts (`arc import`, the other node's API) to tell every running node to reload
 * its account directory. The payload is empty: the listener reloads everything.
 */
export const ACCOUNTS_CHANGED_CHANNEL = 'arc_accounts';

export async function notifyAccountsChanged(db: Kysely<Database>): Promise<void> {
  await sql`select pg_notify(${ACCOUNTS_CHANGED_CHANNEL}, '')`.execute(db);
}
