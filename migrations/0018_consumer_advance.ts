import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
// A consumer on the node that committed the entries has them in memory already (the journal bus
// keeps the latest: src/journal/recent-entries.ts); reading them back cost the database the
// rows' text (frame and events out of jsonb, raw as hex) and arc their parsing, for every
// consumer and every reception. arc_consumer_advance does arc_consumer_step's work without the
// rows: the fence when a lease is named; the cursor locked for the step (created at 0 on the
// first); the cursor moved past the next entries, at most max_rows. It returns the range it moved
// over, (from_seq, to_seq], and how many entries it holds (seqs may have gaps: a rolled-back
// append's). The caller takes those entries from memory when it has them all, else reads the
// range itself in the same transaction: journal seqs commit in order (journal_append's lock), so
// the range is a committed prefix and a later read of it finds exactly these rows.
// arc_consumer_step stays: a node still running the version before this one calls it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function arc_consumer_advance(consumer_name text, max_rows integer, lease_name text, lease_term bigint)
    returns table (from_seq bigint, to_seq bigint, entries integer) language plpgsql as $$
    begin
      if lease_name is not null then
        perform arc_assert_term(lease_name, lease_term);
      end if;
      select c.seq into from_seq from journal_cursor c where c.consumer = consumer_name for update;
      if not found then
        insert into journal_cursor (consumer, seq) values (consumer_name, 0) on conflict (consumer) do nothing;
        select c.seq into from_seq from journal_cursor c where c.consumer = consumer_name for update;
      end if;
      select max(ahead.seq), count(*)::integer into to_seq, entries
        from (select j.seq from journal j where j.seq > from_seq order by j.seq limit max_rows) ahead;
      if to_seq is not null then
        update journal_cursor c set seq = to_seq, updated_at = now() where c.consumer = consumer_name;
      end if;
      return next;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function arc_consumer_advance(text, integer, text, bigint)`.execute(db);
}
