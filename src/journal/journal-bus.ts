import { EventEmitter } from 'node:events';
import { RecentEntries } from './recent-entries.js';
import type { JournalEntry } from './reception.js';

/**
 * "New rows are in the journal, up to seq N", and, for this node's own commits, the entries
 * themselves (`recent`), so that its consumers need not read back what it just wrote. Consumers
 * still step by cursor in the database, so a missed wake-up costs latency (until the next poll),
 * never a signal. On PostgreSQL, pg-journal-listener.ts feeds it the other node's commits too.
 */
export class JournalBus {
  readonly #events = new EventEmitter().setMaxListeners(0);
  readonly recent = new RecentEntries();
  #latest = 0n;

  /** Says rows up to `seq` are committed; `entries`, when given, are those rows (this node's batch). */
  committed(seq: string, entries?: readonly JournalEntry[]): void {
    if (entries !== undefined) this.recent.add(entries);
    if (BigInt(seq) > this.#latest) this.#latest = BigInt(seq);
    this.#events.emit('committed', seq);
  }

  /** The highest seq it was told is committed ('0' before the first). */
  get latest(): string {
    return String(this.#latest);
  }

  /** Calls `listener` on every commit; returns the function that stops it. */
  onCommitted(listener: (seq: string) => void): () => void {
    this.#events.on('committed', listener);
    return () => this.#events.off('committed', listener);
  }
}

/** The NOTIFY channel commits are announced on (payload: the last seq). */
export const JOURNAL_CHANNEL = 'arc_journal';
