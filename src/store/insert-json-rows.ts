import { sql, type Transaction } from 'kysely';
import type { Database } from './database-schema.js';

/** A table's columns as an insert reads them from JSON: name → SQL type, in insert order. */
export type JsonColumns = Readonly<Record<string, string>>;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Inserts many rows sent as one JSON parameter (`insert … select … from json_to_recordset`):
 * a batch of thousands of rows binds one text parameter instead of one per value, which
 * kysely, node-postgres and the server each handle once: the incidents consumer's batch of an
 * alarm storm spent more time building and binding its parameters than inserting. Each row is an
 * object keyed by column; Dates travel as ISO text, nested objects as JSON (for jsonb columns).
 * Rows are inserted in array order, so ids a sequence gives them rise in that order (as a
 * multi-row VALUES does). The journal's `journal_append` reads its batches the same way.
 *
 * @example await insertJsonRows(trx, 'audit_log', { seq: 'bigint', detail: 'jsonb' }, rows)
 */
export async function insertJsonRows<R = never>(trx: Transaction<Database>, table: string, columns: JsonColumns, rows: readonly object[], returning?: string): Promise<R[]> {
  if (rows.length === 0) return [];
  const names = Object.keys(columns);
  for (const name of [table, ...names]) if (!IDENTIFIER.test(name)) throw new Error(`insertJsonRows: ${name} is not a plain identifier`);
  const list = names.join(', ');
  const definitions = names.map((n) => `${n} ${columns[n]}`).join(', ');
  const tail = returning === undefined ? sql`` : sql` returning ${sql.raw(returning)}`;
  const { rows: returned } = await sql<R>`insert into ${sql.raw(table)} (${sql.raw(list)}) select ${sql.raw(list)} from json_to_recordset(${JSON.stringify(rows)}::json) as r(${sql.raw(definitions)})${tail}`.execute(trx);
  return returned;
}
