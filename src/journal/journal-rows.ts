import type { Insertable, Selectable } from 'kysely';
import type { AlarmEvent } from '../protocols/alarm-event.js';
import type { FrameFormat } from '../protocols/decode-frame.js';
import type { JournalTable } from '../store/database-schema.js';
import type { JournalEntry, Outcome, Reception, Transport } from './reception.js';

export type JournalRow = Selectable<JournalTable>;

/** The row a reception becomes, once its seq and duplicate link are known. */
export function journalRow(r: Reception, seq: string, nodeId: string, duplicateOf: string | null): Insertable<JournalTable> {
  return {
    seq,
    node_id: nodeId,
    transport: r.transport,
    receiver: r.receiver,
    peer: r.peer,
    received_at: new Date(r.receivedAt),
    raw: Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength),
    format: r.format,
    account: r.account,
    outcome: r.outcome,
    error_code: r.error?.code ?? null,
    error_message: r.error?.message ?? null,
    frame: r.frame === null ? null : JSON.stringify(r.frame),
    events: JSON.stringify(r.events),
    dedup_key: r.dedupKey,
    duplicate_of: duplicateOf,
  };
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
