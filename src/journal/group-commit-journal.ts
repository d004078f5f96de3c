import type { Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { commitBatch } from './commit-batch.js';
import type { JournalBus } from './journal-bus.js';
import type { JournalEntry, JournalWriter, Reception } from './reception.js';

export interface GroupCommitOptions {
  nodeId: string;
  dedupWindowMs: number;
  bus: JournalBus;
  /** Rows per transaction at most: bounds one statement's size and the wait of the batch behind it. */
  maxBatch?: number;
  /** Told each batch's size and how long its commit took (metrics). */
  onBatch?: (size: number, seconds: number) => void;
}

interface Pending {
  reception: Reception;
  resolve: (entry: JournalEntry) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 500;

/** Appending to a journal that was closed: the receiver must not ACK. */
export class JournalClosedError extends Error {
  readonly code = 'JOURNAL_CLOSED';
  constructor() {
    super('the journal is closed: nothing more can be made durable');
    this.name = 'JournalClosedError';
  }
}

/**
 * Group commit: one transaction at a time; whatever arrives while it commits goes into the next.
 * A lone signal commits at once (no waiting to fill a batch), and under load batches grow by
 * themselves, so throughput rises without adding latency. Each append resolves after its own
 * batch committed; if that batch fails, every append in it rejects (none is half-kept).
 */
export class GroupCommitJournal implements JournalWriter {
  readonly #db: Kysely<Database>;
  readonly #options: GroupCommitOptions;
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  #draining: Promise<void> | undefined;
  #closed = false;

  constructor(db: Kysely<Database>, options: GroupCommitOptions) {
    this.#db = db;
    this.#options = options;
    this.#maxBatch = options.maxBatch ?? MAX_BATCH;
  }

  append(reception: Reception): Promise<JournalEntry> {
    if (this.#closed) return Promise.reject(new JournalClosedError());
    return new Promise((resolve, reject) => {
      this.#queue.push({ reception, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  /** Refuses new appends and resolves once every accepted one has settled. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#draining;
  }

  async #drain(): Promise<void> {
    // Let the appends of this tick join the first batch.
    await Promise.resolve();
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      const started = performance.now();
      try {
        const entries = await commitBatch(this.#db, batch.map((p) => p.reception), this.#options);
        this.#options.onBatch?.(batch.length, (performance.now() - started) / 1000);
        batch.forEach((p, i) => p.resolve(entries[i]!));
        this.#options.bus.committed(entries[entries.length - 1]!.seq, entries);
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.#draining = undefined;
  }
}
