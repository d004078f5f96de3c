import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The accounts receivers know: a frame from any other account is journaled as unregistered.
  // Customers, zones and contacts hang off it in later migrations.
  await db.schema
    .createTable('account')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('aes_key', 'bytea')
    .addColumn('encrypted_only', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Every frame any receiver got, decoded or not: history, appended and never changed.
  await db.schema
    .createTable('journal')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull().check(sql`transport in ('tcp', 'udp', 'serial')`))
    .addColumn('receiver', 'text', (c) => c.notNull())
    .addColumn('peer', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('raw', 'bytea', (c) => c.notNull())
    .addColumn('format', 'text')
    .addColumn('account', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('signal', 'unregistered', 'receiver', 'refused')`))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('frame', 'jsonb')
    .addColumn('events', 'jsonb', (c) => c.notNull())
    .addColumn('dedup_key', 'text')
    .addColumn('duplicate_of', 'bigint', (c) => c.references('journal.seq'))
    .execute();
  // The de-duplication lookup: the first reception of a key, by time.
  await sql`create index journal_dedup on journal (dedup_key, received_at) where dedup_key is not null and duplicate_of is null`.execute(db);
  await db.schema.createIndex('journal_received_at').on('journal').column('received_at').execute();
  await db.schema.createIndex('journal_account').on('journal').columns(['account', 'received_at']).execute();

  // Where each consumer is in the journal; moved in the same transaction as its effects.
  await db.schema
    .createTable('journal_cursor')
    .addColumn('consumer', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('journal_cursor').execute();
  await db.schema.dropTable('journal').execute();
  await db.schema.dropTable('account').execute();
}
