import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { auditHashOver, GENESIS_HASH } from './audit-hash.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditLogTable } from './audit-tables.js';

/**
 * Taken for the rest of the transaction: the chain is one line, so two writers (two requests,
 * two nodes) must not both chain to the same last row.
 */
const AUDIT_LOCK = 0x4155_4454; // "AUDT"

/**
 * Takes the chain's lock for the rest of the transaction, ahead of the first audit row. Every
 * writer of incident actions takes it before it inserts one: action ids are then drawn and
 * committed one transaction at a time, in order, so a live reader that reads past id N never
 * misses an action with a smaller id committed later. Dispatch takes it first too (one lock order).
 */
export async function lockAuditChain(trx: Transaction<Database>): Promise<void> {
  // Once per transaction: the writers that lock early (to draw action ids) then append their
  // audit rows, and a second lock would be one more round trip under the lock for nothing.
  if (chainLocked.has(trx)) return;
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
  chainLocked.add(trx);
}

/** Transactions holding the chain's lock (an advisory transaction lock is held until they end). */
const chainLocked = new WeakSet<Transaction<Database>>();

export interface AuditEntry {
  /** A user id, or a process: `system`, `import`. */
  actor: string;
  /** What was done, `domain.verb`: `session.sign_in`, `customer.create`, `incident.take`. */
  action: string;
  subjectType: string;
  subjectId: string;
  /** What changed: never a secret (password, passcode, key). */
  detail?: object;
  at: Date;
}

/**
 * Appends one row to the hash chain and returns its seq. Call it inside the transaction of the
 * change it records: the change and its audit row commit together or not at all. The lock it
 * takes is held to that transaction's end, so keep audited transactions short.
 */
export async function appendAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<string> {
  const [seq] = await appendAudits(db, [entry]);
  return seq!;
}

/**
 * The audit rows for `entries`, chained from `prevHash` under `seqs` (one each, in order): pure,
 * so that its cost per row (a storm's consumer chains two or more rows an alarm) can be measured
 * alone (npm run bench -- audit).
 */
export function chainRows(prevHash: string, seqs: readonly string[], entries: readonly AuditEntry[]): Insertable<AuditLogTable>[] {
  return entries.map((entry, i) => {
    const seq = seqs[i]!;
    // Read once, as JSON reads it (no undefined, Dates as text): the row stores the text that was hashed.
    const detail = canonicalJson(entry.detail ?? {});
    const hash = auditHashOver(prevHash, { seq, at: entry.at, actor: entry.actor, action: entry.action, subjectType: entry.subjectType, subjectId: entry.subjectId }, detail);
    const row = { seq, at: entry.at, actor: entry.actor, action: entry.action, subject_type: entry.subjectType, subject_id: entry.subjectId, detail, prev_hash: prevHash, hash };
    prevHash = hash;
    return row;
  });
}

/**
 * Appends rows to the chain in order, in one lock and one insert (the journal consumer audits a
 * whole batch of incident transitions at once); resolves to their seqs.
 */
export async function appendAudits(db: Kysely<Database> | Transaction<Database>, entries: readonly AuditEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const write = async (trx: Transaction<Database>): Promise<string[]> => {
    await lockAuditChain(trx);
    // The chain's last hash and the new rows' seqs in one statement (under the lock, taken above).
    const allocated = await sql<{ last: string | null; seq: string }>`
      select (select hash from audit_log order by seq desc limit 1) as last, nextval('audit_log_seq_seq')::text as seq from generate_series(1, ${entries.length})`.execute(trx);
    const seqs = allocated.rows.map((r) => r.seq).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const rows = chainRows(allocated.rows[0]?.last ?? GENESIS_HASH, seqs, entries);
    await trx.insertInto('audit_log').values(rows).execute();
    return seqs;
  };
  return db.isTransaction ? write(db as Transaction<Database>) : db.transaction().execute(write);
}
