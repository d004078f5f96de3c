import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
// The monthly report finds a month's incidents and dispatch orders by time. incident_action is
// the hottest table in an alarm storm (every alarm appends to it): a BRIN index on its time
// costs almost nothing per insert, because `at` grows with the table, and still lets a month's
// report read only that month's blocks. The two smaller tables take ordinary B-trees.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index incident_action_at on incident_action using brin (at)`.execute(db);
  await db.schema.createIndex('incident_opened_at').on('incident').column('opened_at').execute();
  await db.schema.createIndex('dispatch_order_event_at').on('dispatch_order_event').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('dispatch_order_event_at').execute();
  await db.schema.dropIndex('incident_opened_at').execute();
  await db.schema.dropIndex('incident_action_at').execute();
}
