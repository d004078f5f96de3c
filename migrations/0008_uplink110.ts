import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The 110 uplink's outbox: one row per message to the police centre. State, not history: a
  // row moves pending → accepted | rejected | not_sent. (incident_id, revision, kind) is the
  // idempotency key: a repeated enqueue finds the row, and 110 answers a repeated delivery with
  // the same case number.
  await db.schema
    .createTable('uplink_outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('incident_id', 'bigint', (c) => c.notNull().references('incident.id'))
    .addColumn('revision', 'integer', (c) => c.notNull().check(sql`revision >= 1`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('notify', 'update', 'cancel')`))
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'accepted', 'rejected', 'not_sent')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // Pending only: when the next attempt is due (a claimed row's lease while it is being sent).
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('case_number', 'text')
    .addColumn('reject_reason', 'text')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addUniqueConstraint('uplink_outbox_idempotency', ['incident_id', 'revision', 'kind'])
    .execute();
  // What the delivery worker asks every pass: the due rows, and the overdue ones not escalated yet.
  await sql`create index uplink_outbox_due on uplink_outbox (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index uplink_outbox_unescalated on uplink_outbox (created_at) where status = 'pending' and escalated_at is null`.execute(db);

  // Every delivery attempt and what came of it: history, appended only.
  await db.schema
    .createTable('uplink_attempt')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('outbox_id', 'bigint', (c) => c.notNull().references('uplink_outbox.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull().check(sql`result in ('accepted', 'rejected', 'http_error', 'network_error', 'timeout', 'bad_answer')`))
    .addColumn('http_status', 'integer')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('uplink_attempt_outbox').on('uplink_attempt').columns(['outbox_id', 'id']).execute();
  await sql`create trigger uplink_attempt_append_only before update or delete on uplink_attempt for each row execute function arc_refuse_history_change()`.execute(db);
  await sql`create trigger uplink_attempt_no_truncate before truncate on uplink_attempt for each statement execute function arc_refuse_history_change()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('uplink_attempt').execute();
  await db.schema.dropTable('uplink_outbox').execute();
}
