import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { batchDocument, committedEntry } from './journal-rows.js';
import type { JournalEntry, Reception } from './reception.js';

export interface CommitBatchOptions {
  nodeId: string;
  /** A key seen this recently (either side) marks a duplicate. */
  dedupWindowMs: number;
}

/**
 * Appends the receptions in one transaction, in order, and returns them as journal entries.
 *
 * One statement does it all (`journal_append`, migration 0006): under an advisory lock held to
 * commit it allocates the seqs, decides the duplicates, inserts, and notifies `arc_journal`.
 * The lock makes seq order the commit order across nodes: without it, a consumer at seq 100
 * could see 102 committed by one node while 101 is still in flight on the other, move its cursor
 * past 101 and never see it. It also makes the de-duplication lookup and the insert one step.
 * The statement runs outside any explicit transaction, so it is its own transaction: one round
 * trip, and the receivers' ACKs wait for the commit only.
 */
export async function commitBatch(db: Kysely<Database>, receptions: readonly Reception[], options: CommitBatchOptions): Promise<JournalEntry[]> {
  const { firstSeq, duplicates } = await appendDocument(db, options.nodeId, batchDocument(receptions, options.dedupWindowMs));
  const base = BigInt(firstSeq);
  return receptions.map((r, i) => committedEntry(r, String(base + BigInt(i)), options.nodeId, duplicates[i] ?? null));
}

/**
 * `journal_append` on a document already built (batchDocument, or the spool's lines joined into
 * an array): the seq of its first reception and, per reception, the seq it duplicates or null.
 */
export async function appendDocument(db: Kysely<Database>, nodeId: string, document: string): Promise<{ firstSeq: string; duplicates: (string | null)[] }> {
  const { rows } = await sql<{ first_seq: string; duplicates: (string | null)[] }>`select first_seq, duplicates from journal_append(${nodeId}, ${document}::json)`.execute(db);
  return { firstSeq: rows[0]!.first_seq, duplicates: rows[0]!.duplicates };
}
