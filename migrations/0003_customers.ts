import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
// Customer master data (入网用户): configuration, edited in place, every change audited. Customer
// rows are never deleted (incidents point at them): a customer leaves by being decommissioned.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customer')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('lat', 'double precision')
    .addColumn('lng', 'double precision')
    .addColumn('contract_type', 'text', (c) => c.notNull().check(sql`contract_type in ('buy_out', 'lease')`))
    .addColumn('service_status', 'text', (c) => c.notNull().check(sql`service_status in ('in_service', 'suspended', 'on_test', 'decommissioned')`))
    .addColumn('on_test_from', 'timestamptz')
    .addColumn('on_test_until', 'timestamptz')
    // scrypt hashes (src/auth/secret-hash.ts); the codes themselves are never stored.
    .addColumn('passcode_hash', 'text')
    .addColumn('duress_hash', 'text')
    .addColumn('reporting_interval_s', 'integer')
    // Weekly opening/closing windows: [{ day: 1-7, open: 'HH:MM', close: 'HH:MM' }], null when none.
    .addColumn('schedule', 'jsonb')
    .addColumn('guard_area', 'text')
    .addColumn('video_links', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('customer_position_whole', sql`(lat is null) = (lng is null)`)
    .addCheckConstraint('customer_on_test_span', sql`(service_status = 'on_test') = (on_test_from is not null and on_test_until is not null)`)
    .execute();
  await db.schema.createIndex('customer_name').on('customer').column('name').execute();

  // An account may exist before its customer (a panel reporting before the paperwork is done).
  await db.schema.alterTable('account').addColumn('customer_id', 'uuid', (c) => c.references('customer.id')).execute();
  await db.schema.createIndex('account_customer').on('account').column('customer_id').execute();

  await db.schema
    .createTable('zone')
    .addColumn('account', 'text', (c) => c.notNull().references('account.number'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('burglary', 'hold_up', 'panic', 'fire', 'medical', '24h', 'tamper', 'environmental')`))
    .addColumn('principle', 'text')
    .addColumn('linked_group', 'text')
    .addPrimaryKeyConstraint('zone_pk', ['account', 'number'])
    .execute();

  await db.schema
    .createTable('panel_user')
    .addColumn('account', 'text', (c) => c.notNull().references('account.number'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('panel_user_pk', ['account', 'number'])
    .execute();

  // The emergency call list, called in `position` order (1 first).
  await db.schema
    .createTable('customer_contact')
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customer.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('phones', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_contact_pk', ['customer_id', 'position'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('customer_contact').execute();
  await db.schema.dropTable('panel_user').execute();
  await db.schema.dropTable('zone').execute();
  await db.schema.alterTable('account').dropColumn('customer_id').execute();
  await db.schema.dropTable('customer').execute();
}
