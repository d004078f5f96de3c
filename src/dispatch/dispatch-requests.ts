import type { Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';

/** A guard request the verification engine decided: queued, turned into an order by the worker. */
export interface QueuedDispatchRequest {
  id: string;
  incidentId: string;
  account: string;
  reason: string;
  requestedBy: string;
  /** Epoch ms. */
  requestedAt: number;
}

/**
 * Queues requests in the deciding transaction (one insert, in their order): they exist exactly
 * when the decision commits.
 */
export async function queueDispatchRequests(trx: Transaction<Database>, requests: readonly Omit<QueuedDispatchRequest, 'id'>[]): Promise<void> {
  if (requests.length === 0) return;
  await trx
    .insertInto('dispatch_request')
    .values(requests.map((request) => ({ incident_id: request.incidentId, account: request.account, reason: request.reason, requested_by: request.requestedBy, requested_at: new Date(request.requestedAt) })))
    .execute();
}

/**
 * The oldest request not yet handled, locked for this transaction; one another worker holds is
 * passed over (a second node's worker during a switchover takes the next one, never the same).
 */
export async function takeDispatchRequest(trx: Transaction<Database>): Promise<QueuedDispatchRequest | undefined> {
  const row = await trx.selectFrom('dispatch_request').selectAll().where('handled_at', 'is', null).orderBy('id').limit(1).forUpdate().skipLocked().executeTakeFirst();
  return row && { id: row.id, incidentId: row.incident_id, account: row.account, reason: row.reason, requestedBy: row.requested_by, requestedAt: row.requested_at.getTime() };
}

/** Marks a request handled, once (never one another worker handled meanwhile): the order it created (null: none) and what became of it, in words. */
export async function markDispatchRequest(trx: Transaction<Database>, id: string, handled: { at: number; orderId: string | null; outcome: string }): Promise<void> {
  await trx.updateTable('dispatch_request').set({ handled_at: new Date(handled.at), order_id: handled.orderId, outcome: handled.outcome }).where('id', '=', id).where('handled_at', 'is', null).execute();
}
