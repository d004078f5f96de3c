import type { LeadershipChangeReason } from './failover-tables.js';

/** The lease row as one node sees it; `expired` is judged by the database's clock. */
export interface LeaseObservation {
  holder: string | null;
  term: number;
  expired: boolean;
  handoverTo: string | null;
}

/** Who is asking: this node, and the term it leads under (null: it does not lead). */
export interface KeeperSelf {
  nodeId: string;
  term: number | null;
}

export type LeaseAction =
  /** Not leading, and the lease is free, lapsed or this node's own from before: take it with term + 1. */
  | { kind: 'acquire'; reason: Exclude<LeadershipChangeReason, 'switchover' | 'single'> }
  /** Not leading, and the leader handed the lease to this node: take it up with its term. */
  | { kind: 'adopt' }
  /** Not leading, and another node holds the lease: wait. */
  | { kind: 'stand-by' }
  /** Leading, renewed: go on. */
  | { kind: 'keep' }
  /** Leading, and a switchover to `to` was asked for: drain, then hand over. */
  | { kind: 'hand-over'; to: string }
  /** Leading no more: another node holds the lease, or another term. Stop acting at once. */
  | { kind: 'step-down' };

/**
 * The lease decision, pure. A leader passes the row its renewal returned (or, when the renewal
 * matched nothing, the row as it is now); a standby passes the row as it is. `undefined`: there
 * is no row yet.
 */
export function decideLease(self: KeeperSelf, lease: LeaseObservation | undefined): LeaseAction {
  if (self.term !== null) {
    if (!lease || lease.holder !== self.nodeId || lease.term !== self.term) return { kind: 'step-down' };
    if (lease.handoverTo !== null && lease.handoverTo !== self.nodeId) return { kind: 'hand-over', to: lease.handoverTo };
    return { kind: 'keep' };
  }
  if (!lease || (lease.holder === null && lease.term === 0)) return { kind: 'acquire', reason: 'first' };
  if (lease.holder === self.nodeId) {
    // Handed to this node by the leader (holder and handover_to both name it): take it up as is.
    if (lease.handoverTo === self.nodeId) return { kind: 'adopt' };
    // This node's own lease from a previous life (a restart, a step-down): no one else led
    // since, but whatever this node ran under it must not pass the fence: a new term.
    return { kind: 'acquire', reason: 'reclaimed' };
  }
  if (lease.expired) return { kind: 'acquire', reason: 'lapsed' };
  return { kind: 'stand-by' };
}

/**
 * When a leader that cannot renew must have stopped, on its own monotonic clock: before the
 * database lets another node take the lease. The renewal sent at `renewSentAt` set the expiry
 * to the server's clock + ttl, and the server's clock read it no earlier, so the lease lasts at
 * least until `renewSentAt + ttlMs`; one renewal interval less leaves the consumers time to stop.
 */
export function stepDownAt(renewSentAt: number, ttlMs: number, renewMs: number): number {
  return renewSentAt + ttlMs - renewMs;
}
