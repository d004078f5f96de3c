import type { Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { auditHash, GENESIS_HASH } from './audit-hash.js';

export type AuditChainReport =
  | { ok: true; rows: number; lastHash: string }
  | { ok: false; rows: number; brokenAt: { seq: string; reason: AuditChainBreak } };

/**
 * - `PREV_HASH_MISMATCH`: the row does not chain to the row before it (a row was removed or
 *   inserted out of turn, or its prev_hash edited);
 * - `HASH_MISMATCH`: the row's facts are not what its hash was made from (the row was edited).
 */
export type AuditChainBreak = 'PREV_HASH_MISMATCH' | 'HASH_MISMATCH';

const PAGE = 1_000;

/**
 * Walks the whole audit log in seq order, recomputing every hash, and names the first row that
 * does not verify. Reads a page at a time, so a long log costs time, not memory.
 */
export async function verifyAuditChain(db: Kysely<Database>): Promise<AuditChainReport> {
  let prevHash = GENESIS_HASH;
  let after = '0';
  let rows = 0;
  for (;;) {
    const page = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(PAGE).execute();
    for (const row of page) {
      if (row.prev_hash !== prevHash) return { ok: false, rows, brokenAt: { seq: row.seq, reason: 'PREV_HASH_MISMATCH' } };
      const facts = { seq: row.seq, at: row.at, actor: row.actor, action: row.action, subjectType: row.subject_type, subjectId: row.subject_id, detail: row.detail };
      if (auditHash(prevHash, facts) !== row.hash) return { ok: false, rows, brokenAt: { seq: row.seq, reason: 'HASH_MISMATCH' } };
      prevHash = row.hash;
      rows += 1;
    }
    if (page.length < PAGE) return { ok: true, rows, lastHash: prevHash };
    after = page[page.length - 1]!.seq;
  }
}
