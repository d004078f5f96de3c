import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Heartbeat supervision's transitions: late / restored / included / excluded for accounts,
  // silent / disconnected / up for serial receivers. History: the maintenance tickets and the
  // period online rate are computed from it.
  await db.schema
    .createTable('supervision_event')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('subject_type', 'text', (c) => c.notNull().check(sql`subject_type in ('account', 'receiver')`))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('late', 'restored', 'included', 'excluded', 'silent', 'disconnected', 'up')`))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_report_at', 'timestamptz')
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('supervision_event_subject').on('supervision_event').columns(['subject_type', 'subject', 'seq']).execute();
  await db.schema.createIndex('supervision_event_at').on('supervision_event').columns(['subject_type', 'at']).execute();
  await sql`create trigger supervision_event_append_only before update or delete on supervision_event for each row execute function arc_refuse_history_change()`.execute(db);
  await sql`create trigger supervision_event_no_truncate before truncate on supervision_event for each statement execute function arc_refuse_history_change()`.execute(db);

  // An account's own supervision settings, over its customer's interval: a customer's IP path
  // polls every 20 s while its phone line tests once a day.
  await db.schema
    .createTable('account_supervision')
    .addColumn('account', 'text', (c) => c.primaryKey().references('account.number').onDelete('cascade').onUpdate('cascade'))
    .addColumn('interval_s', 'integer', (c) => c.check(sql`interval_s between 20 and 604800`))
    .addColumn('grace_s', 'integer', (c) => c.check(sql`grace_s between 0 and 86400`))
    .addColumn('counts_as', 'text', (c) => c.notNull().defaultTo('any').check(sql`counts_as in ('any', 'tests')`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_supervision').execute();
  await db.schema.dropTable('supervision_event').execute();
}
