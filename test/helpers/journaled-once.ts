import { sql, type Kysely } from 'kysely';
import type { AckedFrame } from '../../src/panel-sim/sim-report.js';
import type { Database } from '../../src/store/database-schema.js';

const key = (f: { account: string; seq: number; token: string }) => `${f.account}/${f.seq}/${f.token}`;

/**
 * The promise a receiver makes to a panel, checked against the journal: of the frames the panels
 * saw ACKed, those not journaled exactly once as a signal (missing, or twice), and how many
 * signals the journal holds that no ACKed frame accounts for. Both empty/0: nothing lost, nothing doubled.
 */
export async function journaledOnce(db: Kysely<Database>, acked: readonly AckedFrame[]): Promise<{ notOnce: AckedFrame[]; unaccounted: number }> {
  const { rows } = await sql<{ account: string; seq: number; token: string; signals: number }>`
    select account, (frame->>'seq')::int as seq, frame->>'token' as token, count(*)::int as signals
    from journal where outcome = 'signal' and duplicate_of is null group by 1, 2, 3`.execute(db);
  const journaled = new Map(rows.map((r) => [key(r), r.signals]));
  const ackedKeys = new Set(acked.map(key));
  return { notOnce: acked.filter((f) => journaled.get(key(f)) !== 1), unaccounted: rows.filter((r) => !ackedKeys.has(key(r))).length };
}
