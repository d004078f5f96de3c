import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { FailoverError } from './failover-error.js';
import { readLease, type LeaseRow } from './lease-store.js';

export interface SwitchoverRequest {
  lease: string;
  /** The node to hand leadership to. */
  to: string;
  /** A node seen (by its keeper's heartbeat) within this long is alive: the lease ttl. */
  aliveWithinMs: number;
}

/**
 * Asks the leader, through the lease row, to hand over to `to`: any node may ask, the leader
 * sees it at its next renewal, drains and hands over. Refused (FailoverError) when `to` is not
 * a node that runs a keeper, has not been seen within the ttl, already leads, or when no node
 * leads to hand over from.
 */
export async function requestSwitchover(db: Kysely<Database>, request: SwitchoverRequest): Promise<LeaseRow> {
  return db.transaction().execute(async (trx) => {
    const node = await trx
      .selectFrom('failover_node')
      .select(sql<boolean>`seen_at > clock_timestamp() - ${request.aliveWithinMs}::int * interval '1 millisecond'`.as('alive'))
      .where('node_id', '=', request.to)
      .executeTakeFirst();
    if (!node) throw new FailoverError('UNKNOWN_NODE', `no node ${request.to} has ever run here`);
    if (!node.alive) throw new FailoverError('NODE_NOT_ALIVE', `node ${request.to} has not been seen for ${request.aliveWithinMs} ms`);
    // NO KEY UPDATE, like a renewal: it does not wait for the leader's writes in flight.
    const lease = await trx.selectFrom('leader_lease').select('name').where('name', '=', request.lease).forNoKeyUpdate().executeTakeFirst();
    const row = lease && (await readLease(trx, request.lease));
    if (!row || row.holder === null || row.expired) throw new FailoverError('NO_LEADER', 'no node leads now: there is nothing to hand over');
    if (row.holder === request.to) throw new FailoverError('ALREADY_LEADER', `node ${request.to} already leads`);
    await trx.updateTable('leader_lease').set({ handover_to: request.to }).where('name', '=', request.lease).execute();
    return { ...row, handoverTo: request.to };
  });
}

/**
 * Resolves to the lease once `to` has taken it up (holds it, no hand-over pending), or to
 * undefined after `timeoutMs`: the leader's drain may take a while, and a target that died in
 * between lets the lease lapse to any node.
 */
export async function awaitLeader(db: Kysely<Database>, lease: string, to: string, options: { timeoutMs: number; pollMs: number }): Promise<LeaseRow | undefined> {
  const until = performance.now() + options.timeoutMs;
  for (;;) {
    const row = await readLease(db, lease);
    if (row?.holder === to && row.handoverTo === null && !row.expired) return row;
    if (performance.now() >= until) return undefined;
    await sleep(options.pollMs);
  }
}
