import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Who runs the consumers: one row per lease name ('consumers'). State, updated in place by the
  // holder (renewals) and by whoever takes it. Every expiry is written and compared with the
  // database's clock (clock_timestamp()), never a node's: two nodes' clocks may disagree.
  // expires_at null: the lease does not lapse (the embedded database, a single node).
  await db.schema
    .createTable('leader_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text')
    // The fencing term: +1 at every change of holder. A write carries it (arc_assert_term).
    .addColumn('term', 'bigint', (c) => c.notNull().check(sql`term >= 0`))
    .addColumn('expires_at', 'timestamptz')
    // When the holder last wrote the row (acquired, renewed or handed it over).
    .addColumn('renewed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    // A switchover asked for (set by any node's API) or, with holder = handover_to, done and not yet taken up.
    .addColumn('handover_to', 'text')
    // How long the holder's renewals last: a fenced transaction idle for longer is ended (below).
    .addColumn('ttl_ms', 'integer', (c) => c.notNull().defaultTo(2000).check(sql`ttl_ms > 0`))
    .execute();

  // The nodes that run a lease keeper, and when each was last seen: a switchover goes to a live one.
  await db.schema
    .createTable('failover_node')
    .addColumn('node_id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // Every change of holder, appended by the node that took the lease: history.
  await db.schema
    .createTable('leadership_change')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('lease', 'text', (c) => c.notNull())
    .addColumn('term', 'bigint', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('previous_holder', 'text')
    .addColumn('previous_term', 'bigint')
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('first', 'lapsed', 'reclaimed', 'switchover', 'single')`))
    // From the previous lease's expiry (or its hand-over) to this acquisition, on the database's clock.
    .addColumn('takeover_ms', 'double precision')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .execute();
  await sql`create trigger leadership_change_append_only before update or delete on leadership_change for each row execute function arc_refuse_history_change()`.execute(db);
  await sql`create trigger leadership_change_no_truncate before truncate on leadership_change for each statement execute function arc_refuse_history_change()`.execute(db);

  // The fence. A consumer calls it first in each write transaction with the term it leads under;
  // it raises STALE_TERM (SQLSTATE AR409) unless that term is the lease's and the lease has not
  // lapsed. The KEY SHARE row lock it takes lasts to the transaction's end: renewals (plain
  // UPDATEs) do not wait for it, but a takeover or hand-over (SELECT … FOR UPDATE) does, so a
  // write that passed the check commits before the next term starts, or not at all. A leader
  // frozen (or cut off) in the middle of such a transaction would hold that lock for ever: the
  // transaction is ended by the server once it sits idle for the lease's ttl.
  await sql`
    create function arc_assert_term(lease_name text, expected_term bigint) returns void language plpgsql as $$
    declare
      current_term bigint;
      lease_expires timestamptz;
      lease_ttl integer;
    begin
      select term, expires_at, ttl_ms into current_term, lease_expires, lease_ttl from leader_lease where name = lease_name for key share;
      if current_term is null or current_term <> expected_term or (lease_expires is not null and lease_expires <= clock_timestamp()) then
        raise exception 'STALE_TERM: term % of lease % is not current (current: %)', expected_term, lease_name, coalesce(current_term::text, 'none')
          using errcode = 'AR409';
      end if;
      perform set_config('idle_in_transaction_session_timeout', lease_ttl::text, true);
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function arc_assert_term(text, bigint)`.execute(db);
  await db.schema.dropTable('leadership_change').execute();
  await db.schema.dropTable('failover_node').execute();
  await db.schema.dropTable('leader_lease').execute();
}
