import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { JOURNAL_CHANNEL } from './journal-bus.js';
import { journalRow } from './journal-rows.js';
import type { JournalEntry, Reception } from './reception.js';

/**
 * Held for the length of each batch's transaction. It makes seq order the commit order across
 * nodes: without it, a consumer at seq 100 could see 102 committed by one node while 101 is
 * still in flight on the other, move its cursor past 101 and never see it. It also makes the
 * de-duplication lookup and the insert one step.
 */
const JOURNAL_LOCK = 0x4a52_4e4c; // "JRNL"

export interface CommitBatchOptions {
  nodeId: string;
  /** A key seen this recently (either side) marks a duplicate. */
  dedupWindowMs: number;
}

/** Appends the receptions in one transaction, in order, and returns them as journal entries. */
export async function commitBatch(db: Kysely<Database>, receptions: readonly Reception[], options: CommitBatchOptions): Promise<JournalEntry[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${JOURNAL_LOCK})`.execute(trx);
    const allocated = await sql<{ seq: string }>`select nextval('journal_seq_seq')::text as seq from generate_series(1, ${receptions.length})`.execute(trx);
    const seqs = allocated.rows.map((r) => r.seq).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

    const firsts = await firstReceptions(trx, receptions, options.dedupWindowMs);
    const entries: JournalEntry[] = receptions.map((r, i) => {
      const seq = seqs[i]!;
      let duplicateOf: string | null = null;
      if (r.dedupKey !== null) {
        const first = firsts.get(r.dedupKey);
        if (first && Math.abs(r.receivedAt - first.receivedAt) <= (r.dedupWindowMs ?? options.dedupWindowMs)) duplicateOf = first.seq;
        else firsts.set(r.dedupKey, { seq, receivedAt: r.receivedAt });
      }
      return { ...r, seq, nodeId: options.nodeId, duplicateOf };
    });
    await trx.insertInto('journal').values(entries.map((e) => journalRow(e, e.seq, e.nodeId, e.duplicateOf))).execute();
    // Delivered to listeners on commit, and not at all on rollback.
    await sql`select pg_notify(${JOURNAL_CHANNEL}, ${seqs[seqs.length - 1]!})`.execute(trx);
    return entries;
  });
}

/** The first reception (not itself a duplicate) of each key in the batch, within the window. */
async function firstReceptions(db: Kysely<Database>, receptions: readonly Reception[], windowMs: number): Promise<Map<string, { seq: string; receivedAt: number }>> {
  const keys = [...new Set(receptions.map((r) => r.dedupKey).filter((k): k is string => k !== null))];
  const firsts = new Map<string, { seq: string; receivedAt: number }>();
  if (keys.length === 0) return firsts;
  const oldest = Math.min(...receptions.map((r) => r.receivedAt - (r.dedupWindowMs ?? windowMs)));
  const rows = await db
    .selectFrom('journal')
    .select(['dedup_key', 'seq', 'received_at'])
    .where('dedup_key', 'in', keys)
    .where('duplicate_of', 'is', null)
    .where('received_at', '>=', new Date(oldest))
    .orderBy('seq', 'desc')
    .execute();
  // Newest first, so that each key ends on its latest original.
  for (const row of rows) if (!firsts.has(row.dedup_key!)) firsts.set(row.dedup_key!, { seq: row.seq, receivedAt: row.received_at.getTime() });
  return firsts;
}
