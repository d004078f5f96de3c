import { sql, type Transaction } from 'kysely';
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
 * The oldest requests not yet handled, at most `limit`, locked for this transaction; those
 * another worker holds are passed over (a second node's worker during a switchover takes the
 * next ones, never the same).
 */
export async function takeDispatchRequests(trx: Transaction<Database>, limit: number): Promise<QueuedDispatchRequest[]> {
  const rows = await trx.selectFrom('dispatch_request').selectAll().where('handled_at', 'is', null).orderBy('id').limit(limit).forUpdate().skipLocked().execute();
  return rows.map((row) => ({ id: row.id, incidentId: row.incident_id, account: row.account, reason: row.reason, requestedBy: row.requested_by, requestedAt: row.requested_at.getTime() }));
}

/** How a request was handled: the order it created or names (null: none), and what became of it, in words. */
export interface HandledRequest {
  id: string;
  at: number;
  orderId: string | null;
  outcome: string;
}

/** Marks requests handled (one statement), each once: never one another worker handled meanwhile. */
export async function markDispatchRequests(trx: Transaction<Database>, handled: readonly HandledRequest[]): Promise<void> {
  if (handled.length === 0) return;
  const values = sql.join(handled.map((h) => sql`(${h.id}::bigint, ${new Date(h.at)}::timestamptz, ${h.orderId}::bigint, ${h.outcome}::text)`));
  await sql`update dispatch_request as r set handled_at = v.at, order_id = v.order_id, outcome = v.outcome
    from (values ${values}) as v(id, at, order_id, outcome)
    where r.id = v.id and r.handled_at is null`.execute(trx);
}
