import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
// Maintenance tickets (维保工单): each ticket's immutable header, its append-only history, and its
// current state derived from that history (rebuildable from it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('maintenance_ticket')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // null: a receiver trouble (the centre's own equipment), or a ticket opened by hand without one.
    .addColumn('account', 'text')
    // The customer as it was at opening; text, so a ticket outlives any change of customer.
    .addColumn('customer_id', 'text')
    .addColumn('receiver', 'text')
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('trouble', 'supervision', 'receiver', 'manual')`))
    // null for a ticket opened by hand: it never merges with another.
    .addColumn('dedupe_key', 'text')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('zone', 'integer')
    .addColumn('description', 'text', (c) => c.notNull())
    // The level at opening; a reclassification is an event, the current level is in the state row.
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('general', 'urgent', 'major')`))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('maintenance_ticket_event')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('maintenance_ticket.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('opened', 'occurrence', 'restored', 'on_site', 'repaired', 'customer_accepted', 'archived', 'level_changed', 'response_overdue', 'repair_overdue')`),
    )
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('maintenance_ticket_event_ticket').on('maintenance_ticket_event').columns(['ticket_id', 'id']).execute();

  for (const table of ['maintenance_ticket', 'maintenance_ticket_event']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)} for each row execute function arc_refuse_history_change()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)} for each statement execute function arc_refuse_history_change()`.execute(db);
  }

  // Derived from the events (rebuildTicketStates), updated as they are appended. `due_at`: the
  // next deadline the overdue loop acts on (null when none is left to escalate).
  await db.schema
    .createTable('maintenance_ticket_state')
    .addColumn('ticket_id', 'bigint', (c) => c.primaryKey().references('maintenance_ticket.id'))
    .addColumn('account', 'text')
    .addColumn('dedupe_key', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('received', 'on_site', 'repaired', 'accepted', 'archived')`))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('general', 'urgent', 'major')`))
    .addColumn('level_rank', 'smallint', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('response_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('repair_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('on_site_at', 'timestamptz')
    .addColumn('repaired_at', 'timestamptz')
    .addColumn('response_overdue', 'boolean', (c) => c.notNull())
    .addColumn('repair_overdue', 'boolean', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz')
    .addColumn('last_event_id', 'bigint', (c) => c.notNull())
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .execute();
  // One open ticket per trouble: a repeat is an occurrence on it, not a second ticket.
  await sql`create unique index maintenance_ticket_one_open on maintenance_ticket_state (dedupe_key) where status in ('received', 'on_site')`.execute(db);
  await sql`create index maintenance_ticket_state_due on maintenance_ticket_state (due_at) where due_at is not null`.execute(db);
  await db.schema.createIndex('maintenance_ticket_state_list').on('maintenance_ticket_state').columns(['status', 'level_rank', 'opened_at']).execute();
  await db.schema.createIndex('maintenance_ticket_state_account').on('maintenance_ticket_state').columns(['account', 'opened_at']).execute();

  // Where the maintenance consumers stand in the logs they read (supervision_event by seq):
  // moved in the transaction of the tickets they open, so each event is acted on once.
  await db.schema
    .createTable('maintenance_cursor')
    .addColumn('consumer', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('maintenance_cursor').execute();
  await db.schema.dropTable('maintenance_ticket_state').execute();
  await db.schema.dropTable('maintenance_ticket_event').execute();
  await db.schema.dropTable('maintenance_ticket').execute();
}
