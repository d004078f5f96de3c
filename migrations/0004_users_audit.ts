import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The people who sign in: operators, supervisors, admins, guards, police liaison.
  await db.schema
    .createTable('app_user')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'supervisor', 'operator', 'guard', 'police')`))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // A session is found by the hash of its bearer token: a copy of this table leaks no token.
  await db.schema
    .createTable('user_session')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .execute();

  // One row per operator or admin action and per incident transition; each row's hash covers
  // the row and the previous row's hash, so a changed or removed row breaks the chain.
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject_type', 'subject_id']).execute();

  // History is append-only, and the database says so itself: whatever a bug or a hand at a psql
  // prompt tries, an UPDATE, DELETE or TRUNCATE of a history table fails. Later migrations attach
  // the same function to their history tables.
  await sql`
    create function arc_refuse_history_change() returns trigger language plpgsql as $$
    begin
      raise exception 'HISTORY_APPEND_ONLY: % on % is refused: history is append-only', tg_op, tg_table_name
        using errcode = 'P0001';
    end
    $$`.execute(db);
  for (const table of ['node_start', 'journal', 'audit_log']) await refuseHistoryChange(db, table);
}

async function refuseHistoryChange(db: Kysely<unknown>, table: string): Promise<void> {
  await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)} for each row execute function arc_refuse_history_change()`.execute(db);
  await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)} for each statement execute function arc_refuse_history_change()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['node_start', 'journal', 'audit_log']) {
    await sql`drop trigger if exists ${sql.raw(`${table}_append_only`)} on ${sql.table(table)}`.execute(db);
    await sql`drop trigger if exists ${sql.raw(`${table}_no_truncate`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop function arc_refuse_history_change()`.execute(db);
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('user_session').execute();
  await db.schema.dropTable('app_user').execute();
}
