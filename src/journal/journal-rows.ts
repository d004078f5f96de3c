import type { Selectable } from 'kysely';
import type { AlarmEvent } from '../protocols/alarm-event.js';
import type { FrameFormat } from '../protocols/decode-frame.js';
import type { JournalTable } from '../store/database-schema.js';
import type { JournalEntry, Outcome, Reception, Transport } from './reception.js';

export type JournalRow = Selectable<JournalTable>;

/**
 * A batch of receptions as `journal_append` (migration 0006) reads it: one JSON array, one
 * object a reception, keyed by column. One text parameter whatever the batch size: no
 * per-row parameters to bind, and the same on PostgreSQL and PGlite. Raw bytes travel as hex;
 * frame and events stay nested JSON (jsonb columns).
 */
export function batchDocument(receptions: readonly Reception[], dedupWindowMs: number): string {
  return JSON.stringify(receptions.map((r) => batchRow(r, dedupWindowMs)));
}

/** One reception as `journal_append` reads it; also a line of the local spool (src/journal/spool). */
export function batchRow(r: Reception, dedupWindowMs: number): object {
  return {
    transport: r.transport,
    receiver: r.receiver,
    peer: r.peer,
    received_at: new Date(r.receivedAt).toISOString(),
    raw: Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength).toString('hex'),
    format: r.format,
    account: r.account,
    outcome: r.outcome,
    error_code: r.error?.code ?? null,
    error_message: r.error?.message ?? null,
    frame: r.frame,
    events: r.events,
    dedup_key: r.dedupKey,
    dedup_window_ms: r.dedupWindowMs ?? dedupWindowMs,
  };
}

/**
 * A reception once `journal_append` gave it its seq: the entry exactly as journalEntry would read
 * it back (the error as its code and message, the raw bytes as a Buffer, no per-reception window),
 * so that a consumer cannot tell an entry handed from memory (RecentEntries) from one read.
 */
export function committedEntry(r: Reception, seq: string, nodeId: string, duplicateOf: string | null): JournalEntry {
  return {
    seq,
    nodeId,
    transport: r.transport,
    receiver: r.receiver,
    peer: r.peer,
    receivedAt: r.receivedAt,
    raw: ownCopy(r.raw),
    format: r.format,
    account: r.account,
    outcome: r.outcome,
    error: r.error === null ? null : { code: r.error.code, message: r.error.message },
    frame: r.frame,
    events: r.events,
    dedupKey: r.dedupKey,
    duplicateOf,
  };
}

/**
 * The bytes in memory of their own: RecentEntries keeps an entry for seconds to hours, and a copy
 * made by Buffer.from would sit in (and keep alive) one of Node's shared 8 KiB pool blocks.
 */
function ownCopy(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

/** A journal row as consumers see it. */
export function journalEntry(row: JournalRow): JournalEntry {
  return {
    seq: row.seq,
    nodeId: row.node_id,
    transport: row.transport as Transport,
    receiver: row.receiver,
    peer: row.peer,
    receivedAt: row.received_at.getTime(),
    raw: Buffer.from(row.raw),
    format: row.format as FrameFormat | null,
    account: row.account,
    outcome: row.outcome as Outcome,
    // The code is one of the stable codes it was written with; the table does not know which set.
    error: row.error_code === null ? null : ({ code: row.error_code, message: row.error_message ?? '' } as JournalEntry['error']),
    frame: row.frame,
    events: row.events as AlarmEvent[],
    dedupKey: row.dedup_key,
    duplicateOf: row.duplicate_of,
  };
}
