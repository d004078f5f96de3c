import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has landed; add a new one.
// Two state rows that are written whole, read whole and never queried inside: the verification
// engine's state per account (the timer loop reads next_timer_at) and the incident's queue row
// (the list reads its columns). As jsonb every write parsed the text into the binary form, and an
// alarm storm's batch rewrites some 200 of each: for the engine's ~3.6 KB states, 76 ms per
// 200-row upsert against 22 ms as json (PostgreSQL 15 on this machine, p50 of 40; README,
// console bench). json keeps the text as written, which is all arc reads back. History tables
// (actions, audit) stay as they are.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table verification_state alter column state type json using state::json`.execute(db);
  await sql`alter table incident_queue alter column state type json using state::json`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table incident_queue alter column state type jsonb using state::jsonb`.execute(db);
  await sql`alter table verification_state alter column state type jsonb using state::jsonb`.execute(db);
}
