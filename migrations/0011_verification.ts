import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The verification engine's state per account (arming, the open case, its timers). State, not
  // history: what happened is in the incidents' actions. `next_timer_at` is the earliest timer of
  // the case, so that the timer loop finds due cases by index.
  await db.schema
    .createTable('verification_state')
    .addColumn('account', 'text', (c) => c.primaryKey())
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .addColumn('next_timer_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index verification_state_due on verification_state (next_timer_at) where next_timer_at is not null`.execute(db);

  // An account's verification policy: a named preset and its overrides (configuration).
  await db.schema
    .createTable('verification_policy')
    .addColumn('account', 'text', (c) => c.primaryKey().references('account.number').onDelete('cascade').onUpdate('cascade'))
    .addColumn('preset', 'text', (c) => c.notNull())
    .addColumn('overrides', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('verification_policy').execute();
  await db.schema.dropTable('verification_state').execute();
}
