import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
// Guard dispatch (出勤): the guards, each order's immutable header, its append-only history, and
// the order's current state derived from that history (rebuildable from it).
export async function up(db: Kysely<unknown>): Promise<void> {
  // A guard is a user with role guard, registered for dispatch. State, not history: the status
  // and position change in place (each change audited).
  await db.schema
    .createTable('guard')
    .addColumn('id', 'uuid', (c) => c.primaryKey().references('app_user.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('off_duty', 'available', 'busy')`))
    .addColumn('area', 'text')
    .addColumn('lat', 'double precision')
    .addColumn('lng', 'double precision')
    // Since when the guard has this status: "longest available" is chosen first.
    .addColumn('status_since', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('guard_position_whole', sql`(lat is null) = (lng is null)`)
    .execute();
  await db.schema.createIndex('guard_status').on('guard').columns(['status', 'area']).execute();

  await db.schema
    .createTable('dispatch_order')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('incident_id', 'bigint', (c) => c.notNull().references('incident.id'))
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dispatch_order_incident').on('dispatch_order').column('incident_id').execute();

  await db.schema
    .createTable('dispatch_order_event')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('order_id', 'bigint', (c) => c.notNull().references('dispatch_order.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('requested', 'assigned', 'declined', 'not_accepted', 'withdrawn', 'accepted', 'en_route', 'on_scene', 'reported', 'escalated', 'closed')`),
    )
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dispatch_order_event_order').on('dispatch_order_event').columns(['order_id', 'id']).execute();

  for (const table of ['dispatch_order', 'dispatch_order_event']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)} for each row execute function arc_refuse_history_change()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)} for each statement execute function arc_refuse_history_change()`.execute(db);
  }

  // Derived from the events (rebuildDispatchState), updated as they are appended. `due_at`: the
  // next deadline the timer acts on (acceptance, or arrival not yet escalated).
  await db.schema
    .createTable('dispatch_order_state')
    .addColumn('order_id', 'bigint', (c) => c.primaryKey().references('dispatch_order.id'))
    .addColumn('incident_id', 'bigint', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('unassigned', 'issued', 'accepted', 'en_route', 'on_scene', 'reported', 'closed')`))
    .addColumn('guard_id', 'uuid')
    .addColumn('accept_by', 'timestamptz')
    .addColumn('predicted_arrival_at', 'timestamptz')
    .addColumn('contracted_arrival_at', 'timestamptz')
    .addColumn('escalated', 'jsonb', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz')
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_event_id', 'bigint', (c) => c.notNull())
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .execute();
  // One order at work per incident: a second request while one is open is a no-op.
  await sql`create unique index dispatch_order_one_active on dispatch_order_state (incident_id) where status in ('unassigned', 'issued', 'accepted', 'en_route', 'on_scene')`.execute(db);
  await db.schema.createIndex('dispatch_order_state_guard').on('dispatch_order_state').columns(['guard_id', 'status']).execute();
  await sql`create index dispatch_order_state_due on dispatch_order_state (due_at) where due_at is not null`.execute(db);
  await db.schema.createIndex('dispatch_order_state_status').on('dispatch_order_state').columns(['status', 'requested_at']).execute();

  // The customer's contracted arrival (合同到达时间), minutes from the dispatch request; null: none.
  await db.schema.alterTable('customer').addColumn('contracted_arrival_min', 'integer', (c) => c.check(sql`contracted_arrival_min between 1 and 1440`)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('customer').dropColumn('contracted_arrival_min').execute();
  await db.schema.dropTable('dispatch_order_state').execute();
  await db.schema.dropTable('dispatch_order_event').execute();
  await db.schema.dropTable('dispatch_order').execute();
  await db.schema.dropTable('guard').execute();
}
