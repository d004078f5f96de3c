import type { Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { formatRecordedFrame, type RecordedFrame } from './recorded-frame.js';
import { JournalExportError } from './replay-error.js';

export interface JournalExportFilter {
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive: `--since` of the next export continues where this one stopped. */
  until?: number;
  account?: string;
}

/** Rows read per query: an export of a month's journal never holds it all in memory. */
const PAGE_ROWS = 1000;

/**
 * Writes the journal's frames as recording lines, in seq order (the order arc committed them,
 * which keeps each peer's frames in the order they came), every outcome included: refused
 * frames and garbage are traffic too. Resolves to the number of lines written. `write` may
 * return a promise (a stream's back-pressure), which is awaited.
 */
export async function exportJournal(db: Kysely<Database>, filter: JournalExportFilter, write: (line: string) => void | Promise<void>): Promise<number> {
  let after: string | null = null;
  let count = 0;
  for (;;) {
    let query = db
      .selectFrom('journal')
      .select(['seq', 'transport', 'receiver', 'peer', 'received_at', 'raw', 'account', 'outcome', 'error_code'])
      .orderBy('seq')
      .limit(PAGE_ROWS);
    // seq is int8 text; compared in SQL as a number, never as text ('10' < '9').
    if (after !== null) query = query.where('seq', '>', after);
    if (filter.since !== undefined) query = query.where('received_at', '>=', new Date(filter.since));
    if (filter.until !== undefined) query = query.where('received_at', '<', new Date(filter.until));
    if (filter.account !== undefined) query = query.where('account', '=', filter.account);
    let rows;
    try {
      rows = await query.execute();
    } catch (err) {
      // 42P01: undefined_table, a database arc never ran on.
      if ((err as { code?: string }).code === '42P01') throw new JournalExportError('NO_JOURNAL', 'the database has no journal table: arc has never run on it (run arc migrate or arc serve first)');
      throw err;
    }
    for (const row of rows) {
      const frame: RecordedFrame = {
        time: row.received_at.getTime(),
        transport: row.transport as RecordedFrame['transport'],
        receiver: row.receiver,
        peer: row.peer,
        raw: Buffer.from(row.raw),
        seq: row.seq,
        account: row.account,
        outcome: row.outcome,
        error: row.error_code,
      };
      await write(`${formatRecordedFrame(frame)}\n`);
      count++;
    }
    if (rows.length < PAGE_ROWS) return count;
    after = rows[rows.length - 1]!.seq;
  }
}
