import { EventEmitter } from 'node:events';

/**
 * "New rows are in the journal, up to seq N": all the bus says. Consumers read the rows
 * themselves, by cursor, so a missed wake-up costs latency (until the next poll), never a signal.
 * On PostgreSQL, pg-journal-listener.ts feeds it the other node's commits too.
 */
export class JournalBus {
  readonly #events = new EventEmitter().setMaxListeners(0);

  /** Says rows up to `seq` are committed. */
  committed(seq: string): void {
    this.#events.emit('committed', seq);
  }

  /** Calls `listener` on every commit; returns the function that stops it. */
  onCommitted(listener: (seq: string) => void): () => void {
    this.#events.on('committed', listener);
    return () => this.#events.off('committed', listener);
  }
}

/** The NOTIFY channel commits are announced on (payload: the last seq). */
export const JOURNAL_CHANNEL = 'arc_journal';
