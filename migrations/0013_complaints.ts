import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
// The complaint register (用户投诉): each complaint's immutable header, its append-only history
// (handling notes, the reply), and its current state derived from that history.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('complaint')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // Who complained: a customer of the centre, or a name and phone (a neighbour, a passer-by).
    .addColumn('customer_id', 'text')
    .addColumn('complainant_name', 'text')
    .addColumn('complainant_phone', 'text')
    .addColumn('complained_at', 'timestamptz', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('received_by', 'text', (c) => c.notNull())
    .addColumn('promised', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('complaint_has_complainant', sql`customer_id is not null or complainant_name is not null`)
    .execute();

  await db.schema
    .createTable('complaint_event')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('complaint_id', 'bigint', (c) => c.notNull().references('complaint.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('received', 'handled', 'replied', 'overdue')`))
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('complaint_event_complaint').on('complaint_event').columns(['complaint_id', 'id']).execute();

  for (const table of ['complaint', 'complaint_event']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)} for each row execute function arc_refuse_history_change()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)} for each statement execute function arc_refuse_history_change()`.execute(db);
  }

  // Derived from the events (rebuildComplaintStates), updated as they are appended.
  await db.schema
    .createTable('complaint_state')
    .addColumn('complaint_id', 'bigint', (c) => c.primaryKey().references('complaint.id'))
    .addColumn('customer_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'replied')`))
    .addColumn('complained_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reply_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('replied_at', 'timestamptz')
    .addColumn('overdue', 'boolean', (c) => c.notNull())
    .addColumn('last_event_id', 'bigint', (c) => c.notNull())
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('complaint_state_list').on('complaint_state').columns(['status', 'complained_at']).execute();
  await sql`create index complaint_state_due on complaint_state (reply_due_at) where status = 'open' and not overdue`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('complaint_state').execute();
  await db.schema.dropTable('complaint_event').execute();
  await db.schema.dropTable('complaint').execute();
}
