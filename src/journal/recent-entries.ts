import type { JournalEntry } from './reception.js';

/**
 * The latest journal entries this node committed, by seq, as its consumers would read them back:
 * a consumer on the same node takes its step's entries from here (`within`) and reads the
 * database only for the rest (another node's commits, the spool's drain, entries older than the
 * window). Memory is a shortcut, never the record: the step's range and count come from the
 * database.
 */
export class RecentEntries {
  /**
   * In commit order, which is seq order: the node's one GroupCommitJournal commits its batches one
   * after another, and is the only writer that adds here. A seq is the database's and is never
   * reissued (committed seqs are durable), so an entry here is the one the journal holds at it.
   */
  readonly #bySeq = new Map<string, JournalEntry>();
  readonly #capacity: number;

  /** `capacity`: entries kept; at 5,000 receptions/s the default is four seconds of them. */
  constructor(capacity = 20_000) {
    this.#capacity = capacity;
  }

  /** Entries just committed, in seq order. */
  add(entries: readonly JournalEntry[]): void {
    for (const entry of entries) this.#bySeq.set(entry.seq, entry);
    for (const oldest of this.#bySeq.keys()) {
      if (this.#bySeq.size <= this.#capacity) break;
      this.#bySeq.delete(oldest);
    }
  }

  /**
   * The entries with seq in (`after`, `upTo`] that are here, in order; the caller reads the
   * rest. Seqs in between that are in no entry are either not here (another node's, the spool's)
   * or gaps (a rolled-back append): only the database's count of the range tells which.
   */
  within(after: string, upTo: string): JournalEntry[] {
    const first = BigInt(after) + 1n;
    const last = BigInt(upTo);
    // Far wider than the window: mostly not here, and not worth walking one seq at a time.
    if (last - first + 1n > BigInt(2 * this.#capacity)) return [];
    const found: JournalEntry[] = [];
    for (let seq = first; seq <= last; seq++) {
      const entry = this.#bySeq.get(String(seq));
      if (entry !== undefined) found.push(entry);
    }
    return found;
  }
}
