import type { ColumnType } from 'kysely';

/** Failover's tables (migration 0010) as kysely sees them. */
export interface FailoverTables {
  leader_lease: LeaderLeaseTable;
  failover_node: FailoverNodeTable;
  leadership_change: LeadershipChangeTable;
}

type Appended<T> = ColumnType<T, T, never>;

/**
 * One row per lease ('consumers'): state, written by its holder and by whoever takes it. Every
 * time in it is the database's clock (clock_timestamp()), so the nodes' clocks do not matter.
 */
export interface LeaderLeaseTable {
  name: string;
  holder: string | null;
  /** The fencing term (bigint, read as a string). */
  term: string;
  /** null: does not lapse (the embedded database, a single node). */
  expires_at: Date | null;
  renewed_at: ColumnType<Date, Date | undefined, Date>;
  /** A switchover asked for; with holder = handover_to: handed over, not yet taken up. */
  handover_to: string | null;
  ttl_ms: ColumnType<number, number | undefined, number>;
}

/** A node running a lease keeper, and when it was last seen (switchover targets must be live). */
export interface FailoverNodeTable {
  node_id: string;
  started_at: Date;
  seen_at: Date;
}

/** One row per change of holder, appended by the node that took the lease: history. */
export interface LeadershipChangeTable {
  id: ColumnType<string, never, never>;
  lease: Appended<string>;
  term: Appended<string>;
  holder: Appended<string>;
  previous_holder: Appended<string | null>;
  previous_term: Appended<string | null>;
  reason: Appended<LeadershipChangeReason>;
  takeover_ms: Appended<number | null>;
  at: ColumnType<Date, Date | undefined, never>;
}

/**
 * Why a node took the lease: there was none (`first`), it had lapsed (`lapsed`), it was this
 * node's own from before a restart or a step-down (`reclaimed`), it was handed over
 * (`switchover`), or there is only one node (`single`).
 */
export type LeadershipChangeReason = 'first' | 'lapsed' | 'reclaimed' | 'switchover' | 'single';
