import type { Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { DatabaseKind } from '../store/database.js';
import { listNodes, readLease, type FailoverNode } from './lease-store.js';
import type { LeaseRole, LeaseStatus } from './lease-keeper.js';

export const SINGLE_NODE_NOTE = 'single node (embedded database)';

/**
 * What `GET /api/failover` and `arc status` say about a node: the same fields in both.
 * `spoolDepth`: receptions in the node's local spool (kept while the database could not take
 * them), not yet in the journal.
 */
export interface FailoverStatus {
  nodeId: string;
  role: LeaseRole;
  term: number | null;
  holder: string | null;
  /** ISO 8601, the database's clock; null: never lapses (single node) or no lease yet. */
  leaseExpiresAt: string | null;
  handoverTo: string | null;
  spoolDepth: number;
  database: DatabaseKind;
  /** `single node (embedded database)`, or null. */
  note: string | null;
  nodes: { nodeId: string; alive: boolean; seenAt: string; startedAt: string }[];
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function failoverStatus(lease: LeaseStatus, extra: { database: DatabaseKind; spoolDepth: number; nodes: readonly FailoverNode[] }): FailoverStatus {
  return {
    nodeId: lease.nodeId,
    role: lease.role,
    term: lease.term,
    holder: lease.holder,
    leaseExpiresAt: iso(lease.leaseExpiresAt),
    handoverTo: lease.handoverTo,
    spoolDepth: extra.spoolDepth,
    database: extra.database,
    note: lease.role === 'single' ? SINGLE_NODE_NOTE : null,
    nodes: extra.nodes.map((n) => ({ nodeId: n.nodeId, alive: n.alive, seenAt: n.seenAt.toISOString(), startedAt: n.startedAt.toISOString() })),
  };
}

/**
 * The status of node `nodeId` as the database shows it, for a process that runs no keeper
 * (`arc status`): it leads if it holds the lease and the lease has not lapsed.
 */
export async function readFailoverStatus(db: Kysely<Database>, options: { nodeId: string; lease: string; database: DatabaseKind; aliveWithinMs: number; spoolDepth?: number }): Promise<FailoverStatus> {
  const row = await readLease(db, options.lease);
  const single = options.database === 'pglite';
  const leads = row !== undefined && row.holder === options.nodeId && !row.expired;
  const role: LeaseRole = single ? 'single' : leads ? 'leader' : 'standby';
  const nodes = single ? [] : await listNodes(db, options.aliveWithinMs);
  const lease: LeaseStatus = {
    nodeId: options.nodeId,
    role,
    term: row?.term ?? null,
    holder: row?.holder ?? null,
    leaseExpiresAt: row?.expiresAt ?? null,
    handoverTo: row?.handoverTo ?? null,
  };
  return failoverStatus(lease, { database: options.database, spoolDepth: options.spoolDepth ?? 0, nodes });
}
