import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { JournalBus } from './journal-bus.js';
import { journalEntry } from './journal-rows.js';
import type { JournalEntry, Outcome } from './reception.js';

/**
 * Something that acts on journal entries (verification, supervision, export…). Its effects and
 * its cursor are written in the same transaction, so after any crash it resumes exactly where
 * its last committed effects end: every entry is handled once, never twice, never skipped.
 */
export interface JournalConsumer {
  /** Stable: the cursor is stored under it. */
  name: string;
  /** The outcomes it is given (default: signals only). Others are passed over. */
  outcomes?: readonly Outcome[];
  /**
   * A reception with the same dedup key as an earlier one is the same signal: passed over unless
   * this is true (supervision counts every reception as a sign of life).
   */
  includeDuplicates?: boolean;
  /**
   * Writes the consumer's effects in `trx`; a throw rolls them back with the cursor. May return
   * what to do once they are committed (wake live views): it runs after the commit, never after a
   * rollback.
   */
  handle(trx: Transaction<Database>, entries: JournalEntry[]): Promise<void | AfterCommit>;
}

/**
 * Run first in a consumer's transaction: throws, rolling it back, when this node may no longer
 * act (src/failover's `assertTerm` with the term it leads under).
 */
export type Fence = (trx: Transaction<Database>) => Promise<void>;

/** Run once a consumer's batch has committed. */
export type AfterCommit = () => void;

const DEFAULT_OUTCOMES: readonly Outcome[] = ['signal'];

/**
 * One step: reads up to `batchSize` entries past the consumer's cursor, hands it the ones it
 * wants, and moves the cursor past all it read. Resolves to how many entries it read (0: caught
 * up). The cursor row is locked for the step, so two runners of one consumer take turns.
 */
export async function consumeBatch(db: Kysely<Database>, consumer: JournalConsumer, batchSize = 200, fence?: Fence): Promise<number> {
  let afterCommit: AfterCommit | undefined;
  const read = await db.transaction().execute(async (trx) => {
    await fence?.(trx);
    const cursor = await lockCursor(trx, consumer.name);
    const rows = await trx.selectFrom('journal').selectAll().where('seq', '>', cursor).orderBy('seq').limit(batchSize).execute();
    if (rows.length === 0) return 0;
    const outcomes = consumer.outcomes ?? DEFAULT_OUTCOMES;
    const wanted = rows.map(journalEntry).filter((e) => outcomes.includes(e.outcome) && (consumer.includeDuplicates === true || e.duplicateOf === null));
    if (wanted.length > 0) afterCommit = (await consumer.handle(trx, wanted)) ?? undefined;
    await trx
      .updateTable('journal_cursor')
      .set({ seq: rows[rows.length - 1]!.seq, updated_at: sql<Date>`now()` })
      .where('consumer', '=', consumer.name)
      .execute();
    return rows.length;
  });
  afterCommit?.();
  return read;
}

/** Locks the consumer's cursor row for the step, creating it at '0' on its first step (a round trip then only). */
async function lockCursor(trx: Transaction<Database>, name: string): Promise<string> {
  const locked = () => trx.selectFrom('journal_cursor').select('seq').where('consumer', '=', name).forUpdate().executeTakeFirst();
  const row = await locked();
  if (row !== undefined) return row.seq;
  await trx.insertInto('journal_cursor').values({ consumer: name, seq: '0' }).onConflict((oc) => oc.column('consumer').doNothing()).execute();
  return (await locked())!.seq;
}

/** Where a consumer stands: the last seq it has handled or passed over ('0' before its first). */
export async function consumerCursor(db: Kysely<Database>, name: string): Promise<string> {
  const row = await db.selectFrom('journal_cursor').select('seq').where('consumer', '=', name).executeTakeFirst();
  return row?.seq ?? '0';
}

export interface RunningConsumer {
  /** Stops after the step in progress; its transaction commits or rolls back as it would. */
  stop(): Promise<void>;
}

export interface RunConsumerOptions {
  bus: JournalBus;
  batchSize?: number;
  /** A safety net under the bus: a missed wake-up costs at most this long. */
  pollMs?: number;
  onError?: (err: unknown) => void;
  /** The leader's fence: a deposed node's batch rolls back. */
  fence?: Fence;
  /**
   * Caught up, how long to let receptions gather before the next batch (default 0: at once). A
   * consumer that need not act within milliseconds (supervision, trouble restores) so takes what
   * arrived meanwhile in one transaction, instead of one transaction per journal commit: under
   * 5,000 receptions/s that was some 70 transactions a second each, CPU taken from the alarms.
   */
  gatherMs?: number;
}

/** Runs a consumer until stopped: batches while there is a backlog, then waits for the bus. */
export function runConsumer(db: Kysely<Database>, consumer: JournalConsumer, options: RunConsumerOptions): RunningConsumer {
  const { bus, batchSize = 200, pollMs = 1_000, onError, fence, gatherMs = 0 } = options;
  let stopped = false;
  let wake: (() => void) | undefined;
  let woken = false;
  const unsubscribe = bus.onCommitted(() => {
    woken = true;
    wake?.();
  });
  /** Ends early on a wake-up (`wakeable`) and on stop. */
  const sleep = (ms: number, wakeable = true) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = wakeable ? done : () => (stopped ? done() : undefined);
    });

  const loop = (async () => {
    while (!stopped) {
      woken = false;
      try {
        const read = await consumeBatch(db, consumer, batchSize, fence);
        if (read === batchSize) continue;
        if (gatherMs > 0 && !stopped) await sleep(gatherMs, false);
        if (woken) continue;
      } catch (err) {
        onError?.(err);
      }
      if (!stopped) await sleep(pollMs);
    }
  })();

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      wake?.();
      await loop;
    },
  };
}
