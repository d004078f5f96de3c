import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';

/** The lease that decides which node runs the consumers. */
export const CONSUMERS_LEASE = 'consumers';

/** What `arc_assert_term` raises (migration 0010): a code of our own, outside PostgreSQL's classes. */
export const STALE_TERM_SQLSTATE = 'AR409';

/**
 * A write made under a term that is no longer the lease's: this node has been deposed (or its
 * lease lapsed) and must not act. The transaction it was raised in is rolled back.
 */
export class StaleTermError extends Error {
  readonly code = 'STALE_TERM';

  constructor(
    readonly term: number,
    options?: { cause?: unknown },
  ) {
    super(`STALE_TERM: term ${term} is not current: this node no longer leads`, options);
    this.name = 'StaleTermError';
  }
}

/**
 * The fence: call it first in every write transaction a consumer makes, with the term it leads
 * under (the one `onLead` was given). Throws StaleTermError, and the transaction rolls back,
 * unless that term is the lease's and has not lapsed. Until the transaction ends, no other node
 * can take the lease: its writes commit before the next term begins, or not at all.
 *
 * @example await db.transaction().execute(async (trx) => { await assertTerm(trx, term); … })
 */
export async function assertTerm(trx: Transaction<Database> | Kysely<Database>, term: number, lease = CONSUMERS_LEASE): Promise<void> {
  try {
    await sql`select arc_assert_term(${lease}, ${term}::bigint)`.execute(trx);
  } catch (err) {
    if (isStaleTermError(err)) throw new StaleTermError(term, { cause: err });
    throw err;
  }
}

/** True for StaleTermError and for the database's own STALE_TERM error (SQLSTATE AR409). */
export function isStaleTermError(err: unknown): boolean {
  if (err instanceof StaleTermError) return true;
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === STALE_TERM_SQLSTATE;
}
