import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { decideLease, type LeaseAction, type LeaseObservation } from './decide-lease.js';
import type { LeadershipChangeReason } from './failover-tables.js';

/**
 * The lease's SQL. Every time is the database's (clock_timestamp(), not now(): a renewal late in
 * a long transaction must not be stamped with the transaction's start), so the nodes' own
 * clocks never decide anything.
 */

/** The row as read, with what the database's clock says of it. */
export interface LeaseRow extends LeaseObservation {
  expiresAt: Date | null;
  renewedAt: Date;
}

const ttl = (ms: number) => sql<Date>`clock_timestamp() + ${ms}::int * interval '1 millisecond'`;
const expired = sql<boolean>`(expires_at is not null and expires_at <= clock_timestamp())`;

type Db = Kysely<Database> | Transaction<Database>;

interface RawLease {
  holder: string | null;
  term: string;
  expires_at: Date | null;
  renewed_at: Date;
  handover_to: string | null;
  expired: boolean;
}

function leaseRow(r: RawLease): LeaseRow {
  return { holder: r.holder, term: Number(r.term), expired: r.expired, handoverTo: r.handover_to, expiresAt: r.expires_at, renewedAt: r.renewed_at };
}

const COLUMNS = ['holder', 'term', 'expires_at', 'renewed_at', 'handover_to', expired.as('expired')] as const;

/** Creates the lease row, free and lapsed, unless it exists. */
export async function ensureLease(db: Db, lease: string): Promise<void> {
  await db
    .insertInto('leader_lease')
    .values({ name: lease, holder: null, term: '0', expires_at: sql<Date>`clock_timestamp()`, handover_to: null })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

export async function readLease(db: Db, lease: string): Promise<LeaseRow | undefined> {
  const row = await db.selectFrom('leader_lease').select(COLUMNS).where('name', '=', lease).executeTakeFirst();
  return row && leaseRow(row);
}

/**
 * The holder extends its lease by `ttlMs` from now, if it still holds it under `term`. A plain
 * UPDATE: it does not wait for the fenced transactions in flight (they hold KEY SHARE).
 * Undefined: it no longer holds it.
 */
export async function renewLease(db: Db, lease: { name: string; nodeId: string; term: number; ttlMs: number }): Promise<LeaseRow | undefined> {
  const row = await db
    .updateTable('leader_lease')
    .set({ expires_at: ttl(lease.ttlMs), renewed_at: sql<Date>`clock_timestamp()` })
    .where('name', '=', lease.name)
    .where('holder', '=', lease.nodeId)
    .where('term', '=', String(lease.term))
    .returning(COLUMNS)
    .executeTakeFirst();
  return row && leaseRow(row);
}

export interface TakenLease {
  term: number;
  reason: LeadershipChangeReason;
  previousHolder: string | null;
  previousTerm: number | null;
  /** From the previous expiry (or hand-over) to now, database clock; null for the first lease. */
  takeoverMs: number | null;
  expiresAt: Date | null;
}

/**
 * Takes the lease if the decision, made again on the row locked FOR UPDATE, is still to take
 * it: the lock waits for the previous holder's fenced transactions to end, so none of them
 * commits under the new term. Appends the leadership change in the same transaction.
 */
export async function takeLease(db: Kysely<Database>, lease: { name: string; nodeId: string; ttlMs: number }): Promise<TakenLease | undefined> {
  return db.transaction().execute(async (trx) => {
    // A fenced transaction of a frozen leader is ended by the server after ttl idle; wait no longer.
    await sql`select set_config('lock_timeout', ${String(lease.ttlMs * 2)}, true)`.execute(trx);
    const raw = await trx
      .selectFrom('leader_lease')
      .select([...COLUMNS, sql<number | null>`extract(epoch from clock_timestamp() - expires_at) * 1000`.as('lapsed_ms'), sql<number>`extract(epoch from clock_timestamp() - renewed_at) * 1000`.as('handed_ms')])
      .where('name', '=', lease.name)
      .forUpdate()
      .executeTakeFirst();
    if (!raw) return undefined;
    const row = leaseRow(raw);
    const action: LeaseAction = decideLease({ nodeId: lease.nodeId, term: null }, row);
    if (action.kind !== 'acquire' && action.kind !== 'adopt') return undefined;
    const term = action.kind === 'adopt' ? row.term : row.term + 1;
    const reason: LeadershipChangeReason = action.kind === 'adopt' ? 'switchover' : action.reason;
    const takeoverMs = reason === 'first' ? null : reason === 'switchover' ? Number(raw.handed_ms) : Math.max(0, Number(raw.lapsed_ms ?? 0));
    // A handed-over row already names this node under the new term: who led before is in the log.
    const before =
      reason === 'switchover'
        ? await trx.selectFrom('leadership_change').select(['holder', 'term']).where('lease', '=', lease.name).orderBy('id', 'desc').limit(1).executeTakeFirst()
        : { holder: row.holder, term: String(row.term) };
    const previousHolder = before?.holder ?? null;
    const previousTerm = before ? Number(before.term) : null;
    const taken = await trx
      .updateTable('leader_lease')
      .set({ holder: lease.nodeId, term: String(term), expires_at: ttl(lease.ttlMs), renewed_at: sql<Date>`clock_timestamp()`, handover_to: null, ttl_ms: lease.ttlMs })
      .where('name', '=', lease.name)
      .returning('expires_at')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('leadership_change')
      .values({ lease: lease.name, term: String(term), holder: lease.nodeId, previous_holder: previousHolder, previous_term: previousTerm === null ? null : String(previousTerm), reason, takeover_ms: takeoverMs })
      .execute();
    return { term, reason, previousHolder, previousTerm, takeoverMs, expiresAt: taken.expires_at };
  });
}

/**
 * The drained leader gives the lease to `to` under term + 1 (its own term is dead at once) and
 * names `to` in handover_to, so that only `to` takes it up; if `to` does not within ttl, the
 * lease lapses and any node takes it. False: it did not hold the lease any more.
 */
export async function handOverLease(db: Kysely<Database>, lease: { name: string; nodeId: string; term: number; ttlMs: number; to: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('lock_timeout', ${String(lease.ttlMs * 2)}, true)`.execute(trx);
    const row = await trx.selectFrom('leader_lease').select(['holder', 'term']).where('name', '=', lease.name).forUpdate().executeTakeFirst();
    if (row?.holder !== lease.nodeId || Number(row.term) !== lease.term) return false;
    await trx
      .updateTable('leader_lease')
      .set({ holder: lease.to, term: String(lease.term + 1), expires_at: ttl(lease.ttlMs), renewed_at: sql<Date>`clock_timestamp()`, handover_to: lease.to })
      .where('name', '=', lease.name)
      .execute();
    return true;
  });
}

/** A leader stopping cleanly lets the lease lapse now: a standby takes it at its next tick. */
export async function releaseLease(db: Db, lease: { name: string; nodeId: string; term: number }): Promise<void> {
  await db
    .updateTable('leader_lease')
    .set({ expires_at: sql<Date>`clock_timestamp()`, renewed_at: sql<Date>`clock_timestamp()` })
    .where('name', '=', lease.name)
    .where('holder', '=', lease.nodeId)
    .where('term', '=', String(lease.term))
    .execute();
}

/**
 * The embedded database has one node: it holds the lease under term 1, never lapsing. The
 * change is recorded only when the row said otherwise (the first start, another node id).
 */
export async function claimSingleLease(db: Kysely<Database>, lease: { name: string; nodeId: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await readLease(trx, lease.name);
    const row = { holder: lease.nodeId, term: '1', expires_at: null, renewed_at: sql<Date>`clock_timestamp()`, handover_to: null };
    await trx.insertInto('leader_lease').values({ name: lease.name, ...row }).onConflict((oc) => oc.column('name').doUpdateSet(row)).execute();
    if (before?.holder === lease.nodeId && before.term === 1 && before.expiresAt === null) return;
    await trx
      .insertInto('leadership_change')
      .values({ lease: lease.name, term: '1', holder: lease.nodeId, previous_holder: before?.holder ?? null, previous_term: before ? String(before.term) : null, reason: 'single', takeover_ms: null })
      .execute();
  });
}

/** This node is alive: switchovers may go to it. */
export async function heartbeat(db: Db, nodeId: string, startedAt: Date): Promise<void> {
  const seen = sql<Date>`clock_timestamp()`;
  await db
    .insertInto('failover_node')
    .values({ node_id: nodeId, started_at: startedAt, seen_at: seen })
    .onConflict((oc) => oc.column('node_id').doUpdateSet({ started_at: startedAt, seen_at: seen }))
    .execute();
}

export interface FailoverNode {
  nodeId: string;
  startedAt: Date;
  seenAt: Date;
  /** Seen within the lease ttl, by the database's clock. */
  alive: boolean;
}

export async function listNodes(db: Db, aliveWithinMs: number): Promise<FailoverNode[]> {
  const rows = await db
    .selectFrom('failover_node')
    .select(['node_id', 'started_at', 'seen_at', sql<boolean>`seen_at > clock_timestamp() - ${aliveWithinMs}::int * interval '1 millisecond'`.as('alive')])
    .orderBy('node_id')
    .execute();
  return rows.map((r) => ({ nodeId: r.node_id, startedAt: r.started_at, seenAt: r.seen_at, alive: r.alive }));
}
