import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/store/database-schema.js';

/**
 * Resolves once some transaction waits for a lock (PostgreSQL's pg_locks shows it not granted),
 * or after ~2 s: the lock-order tests hold one lock, start the other party, and release only
 * once it waits, so that the order under test is the one that happens.
 */
export async function untilALockIsAwaited(db: Kysely<Database>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_locks where not granted`.execute(db);
    if (waiting.rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
