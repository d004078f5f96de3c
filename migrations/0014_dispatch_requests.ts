import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
// The verification engine's guard requests, queued in the transaction that decided them and
// turned into dispatch orders by the leader's dispatch worker in transactions of their own: an
// alarm storm's batch records each request in one insert instead of choosing a guard under the
// audit lock for every alarm while the next alarms wait.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dispatch_request')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('incident_id', 'bigint', (c) => c.notNull().references('incident.id'))
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    // Set once, by the worker's transaction: the order it created, or why none (a second
    // request while an order is at work, or the incident closed first).
    .addColumn('handled_at', 'timestamptz')
    .addColumn('order_id', 'bigint', (c) => c.references('dispatch_order.id'))
    .addColumn('outcome', 'text')
    .execute();
  // The worker's queue: the requests not yet handled, oldest first.
  await db.schema.createIndex('dispatch_request_pending').on('dispatch_request').column('id').where(sql.ref('handled_at'), 'is', null).execute();
}
