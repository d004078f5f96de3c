import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // An incident (警情): all alarms of one account from the first until it is closed. The header
  // never changes; everything that happens to it is an appended action.
  await db.schema
    .createTable('incident')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull())
    // The customer as it was at opening; text, so an incident outlives any change of customer.
    .addColumn('customer_id', 'text')
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('opening_seq', 'bigint', (c) => c.notNull().references('journal.seq'))
    .execute();

  // Who did what, when, on what evidence. The id is the feed sequence a console resumes from.
  await db.schema
    .createTable('incident_action')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('incident_id', 'bigint', (c) => c.notNull().references('incident.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .addColumn('journal_seq', 'bigint', (c) => c.references('journal.seq'))
    .execute();
  await db.schema.createIndex('incident_action_incident').on('incident_action').columns(['incident_id', 'id']).execute();

  // The queue: derived from the actions, updated as they are appended, rebuildable from them.
  await db.schema
    .createTable('incident_queue')
    .addColumn('incident_id', 'bigint', (c) => c.primaryKey().references('incident.id'))
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'closed')`))
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('priority_rank', 'smallint', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('forwarded_110', 'boolean', (c) => c.notNull())
    .addColumn('last_action_id', 'bigint', (c) => c.notNull())
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .execute();
  // One open incident per account: one operator owns all alarms of one premises.
  await sql`create unique index incident_queue_one_open on incident_queue (account) where status = 'open'`.execute(db);
  await db.schema.createIndex('incident_queue_order').on('incident_queue').columns(['status', 'priority_rank', 'opened_at']).execute();

  for (const table of ['incident', 'incident_action']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)} for each row execute function arc_refuse_history_change()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)} for each statement execute function arc_refuse_history_change()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('incident_queue').execute();
  await db.schema.dropTable('incident_action').execute();
  await db.schema.dropTable('incident').execute();
}
