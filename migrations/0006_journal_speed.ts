import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
//
// journal_append: a whole group-commit batch in one statement, so one round trip to the
// database instead of seven (begin, lock, seqs, de-duplication lookup, insert, notify, commit).
// What the journal guarantees is unchanged, and is why each step is where it is:
// - the advisory lock is taken first and held to commit: seq order is commit order across nodes,
//   and the de-duplication lookup and the insert are one step;
// - the lookup is its own statement after the lock: a function that is not declared stable
//   takes a new snapshot for each statement, so it sees every batch committed before the lock
//   was granted (a lookup in the same statement as the lock would not);
// - seqs are one contiguous range taken under the lock, in the batch's order;
// - within the batch, receptions are decided in order: a key's first is the journal's latest
//   original within the window, else the batch's own earlier original;
// - pg_notify is delivered on commit, and not at all on rollback.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One reception as the batch document carries it (see batchDocument in src/journal/journal-rows.ts).
  await sql`
    create type journal_append_input as (
      transport text, receiver text, peer text, received_at timestamptz, raw text, format text, account text, outcome text,
      error_code text, error_message text, frame jsonb, events jsonb, dedup_key text, dedup_window_ms bigint
    )
  `.execute(db);
  // plan_cache_mode: the lookup is planned at each call with the table's current size. A plan
  // cached while the journal was nearly empty scans the whole table, and a batch then grows
  // slower with every row the journal holds.
  await sql`
    create function journal_append(p_node text, p_batch json) returns table (first_seq text, duplicates text[])
    language plpgsql set plan_cache_mode = force_custom_plan as $$
    declare
      -- The document is parsed once (parsing is most of the statement's cost).
      v_rows journal_append_input[] := array(select b from json_populate_recordset(null::journal_append_input, p_batch) b);
      v_count int := cardinality(v_rows);
      v_first bigint;
      v_duplicates bigint[] := array_fill(null::bigint, array[v_count]);
      v_oldest timestamptz;
      v_key text;
      v_key_seq bigint;
      v_key_at timestamptz;
      r record;
    begin
      perform pg_advisory_xact_lock(1246907980); -- 0x4a524e4c, "JRNL", as before
      v_first := nextval('journal_seq_seq');
      if v_count > 1 then perform setval('journal_seq_seq', v_first + v_count - 1); end if;

      select min(b.received_at - b.dedup_window_ms * interval '1 millisecond') into v_oldest from unnest(v_rows) b where b.dedup_key is not null;
      -- By key, then in batch order: each key's receptions see its first so far.
      for r in
        select b.dedup_key, b.received_at, b.dedup_window_ms * interval '1 millisecond' as win, b.ordinality as ord, latest.seq as latest_seq, latest.received_at as latest_at
        from unnest(v_rows) with ordinality as b
        left join lateral (
          select j.seq, j.received_at from journal j
          where j.dedup_key = b.dedup_key and j.duplicate_of is null and j.received_at >= v_oldest
          order by j.seq desc limit 1
        ) latest on true
        where b.dedup_key is not null
        order by b.dedup_key, b.ordinality
      loop
        if r.dedup_key is distinct from v_key then
          v_key := r.dedup_key;
          v_key_seq := r.latest_seq;
          v_key_at := r.latest_at;
        end if;
        if v_key_seq is not null and greatest(r.received_at - v_key_at, v_key_at - r.received_at) <= r.win then
          v_duplicates[r.ord] := v_key_seq;
        else
          v_key_seq := v_first + r.ord - 1;
          v_key_at := r.received_at;
        end if;
      end loop;

      insert into journal (seq, node_id, transport, receiver, peer, received_at, raw, format, account, outcome, error_code, error_message, frame, events, dedup_key, duplicate_of)
      select v_first + b.ordinality - 1, p_node, b.transport, b.receiver, b.peer, b.received_at, decode(b.raw, 'hex'), b.format, b.account, b.outcome, b.error_code, b.error_message, b.frame, b.events, b.dedup_key, v_duplicates[b.ordinality]
      from unnest(v_rows) with ordinality as b;

      perform pg_notify('arc_journal', (v_first + v_count - 1)::text);
      return query select v_first::text, v_duplicates::text[];
    end
    $$
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function journal_append(text, json)`.execute(db);
  await sql`drop type journal_append_input`.execute(db);
}
