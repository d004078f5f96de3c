import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
// A journal consumer's step began with four round trips before its own work: the leader's fence
// (arc_assert_term), the cursor's lock, the journal read, and (last) the cursor's move. At 1,000
// alarms/s the incidents consumer runs some 30 steps a second, and each round trip waits for a
// busy event loop and a busy database. arc_consumer_step does the four in one call, in that
// order: the fence when a lease is named; the cursor locked for the step (created at 0 on the
// first); the entries after it, at most max_rows; the cursor moved past them. The move is in the
// caller's transaction like the effects that follow it: they commit together or not at all.
// Journal seqs commit in order (journal_append's lock), so each statement here sees a prefix of
// the journal, and (from, to] read by the last one holds exactly the rows the max(seq) read saw.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function arc_consumer_step(consumer_name text, max_rows integer, lease_name text, lease_term bigint)
    returns setof journal language plpgsql as $$
    declare
      from_seq bigint;
      to_seq bigint;
    begin
      if lease_name is not null then
        perform arc_assert_term(lease_name, lease_term);
      end if;
      select seq into from_seq from journal_cursor where consumer = consumer_name for update;
      if not found then
        insert into journal_cursor (consumer, seq) values (consumer_name, 0) on conflict (consumer) do nothing;
        select seq into from_seq from journal_cursor where consumer = consumer_name for update;
      end if;
      select max(seq) into to_seq from (select seq from journal where seq > from_seq order by seq limit max_rows) ahead;
      if to_seq is null then
        return;
      end if;
      update journal_cursor set seq = to_seq, updated_at = now() where consumer = consumer_name;
      return query select * from journal where seq > from_seq and seq <= to_seq order by seq;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function arc_consumer_step(text, integer, text, bigint)`.execute(db);
}
