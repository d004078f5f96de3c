import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { JournalBus } from './journal-bus.js';
import { StaleTermError, isStaleTermError } from '../failover/assert-term.js';
import { journalEntry } from './journal-rows.js';
import type { JournalMetrics } from './journal-metrics.js';
import type { RecentEntries } from './recent-entries.js';
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
   * rollback. The entries are shared with the node's other consumers (RecentEntries): read them,
   * never change them.
   */
  handle(trx: Transaction<Database>, entries: readonly JournalEntry[]): Promise<void | AfterCommit>;
}

/**
 * Run first in a worker's transaction: throws, rolling it back, when this node may no longer
 * act (src/failover's `assertTerm` with the term it leads under).
 */
export type Fence = (trx: Transaction<Database>) => Promise<void>;

/**
 * The lease and term a consumer's steps are fenced with: each step's first statement checks them
 * (`arc_assert_term`, src/failover/assert-term.ts) and a deposed node's step rolls back with
 * StaleTermError before it has read anything.
 */
export interface LeaseTerm {
  lease: string;
  term: number;
}

/** Run once a consumer's batch has committed. */
export type AfterCommit = () => void;

const DEFAULT_OUTCOMES: readonly Outcome[] = ['signal'];

/** How a step reads. */
export interface StepOptions {
  /** Entries a step takes at most (default 200). */
  batchSize?: number;
  /** The leader's term: a deposed node's step rolls back before it has read anything. */
  fence?: LeaseTerm;
  /**
   * This node's latest entries (JournalBus's `recent`): a step takes the entries that are there
   * from memory instead of reading them back, and reads only the others.
   */
  recent?: RecentEntries;
  /** Told after each step has committed: where the cursor now is, and where its entries came from. */
  onStep?: (step: ConsumerStep) => void;
}

/** What one step took: the cursor after it, and how many entries came from memory and were read. */
export interface ConsumerStep {
  cursor: string;
  fromMemory: number;
  read: number;
}

/**
 * One step: takes up to `batchSize` entries past the consumer's cursor, hands it the ones it
 * wants, and moves the cursor past all it took. Resolves to how many entries it took (0: caught
 * up). The cursor row is locked for the step, so two runners of one consumer take turns.
 */
export async function consumeBatch(db: Kysely<Database>, consumer: JournalConsumer, options: StepOptions = {}): Promise<number> {
  const { batchSize = 200, fence, recent, onStep } = options;
  let afterCommit: AfterCommit | undefined;
  let report: ConsumerStep | undefined;
  const taken = await db.transaction().execute(async (trx) => {
    // The fence, the cursor's lock and its move past the next entries in one round trip
    // (migration 0018): the move commits with the effects below, or rolls back with them.
    const advance = sql<{ from_seq: string; to_seq: string | null; entries: number }>`select * from arc_consumer_advance(${consumer.name}, ${batchSize}::integer, ${fence?.lease ?? null}::text, ${fence?.term ?? null}::bigint)`;
    const step = await advance.execute(trx).then(
      (result) => result.rows[0]!,
      (err: unknown) => {
        throw fence !== undefined && isStaleTermError(err) ? new StaleTermError(fence.term, { cause: err }) : err;
      },
    );
    if (step.to_seq === null) {
      report = { cursor: step.from_seq, fromMemory: 0, read: 0 };
      return 0;
    }
    const { entries, fromMemory } = await entriesOf(trx, step.from_seq, step.to_seq, step.entries, recent);
    report = { cursor: step.to_seq, fromMemory, read: entries.length - fromMemory };
    const outcomes = consumer.outcomes ?? DEFAULT_OUTCOMES;
    const wanted = entries.filter((e) => outcomes.includes(e.outcome) && (consumer.includeDuplicates === true || e.duplicateOf === null));
    if (wanted.length > 0) afterCommit = (await consumer.handle(trx, wanted)) ?? undefined;
    return entries.length;
  });
  if (report !== undefined) onStep?.(report);
  afterCommit?.();
  return taken;
}

/**
 * The `count` journal entries with seq in (`after`, `upTo`], in order: those in `recent` from
 * memory, the others read (all of them, without `recent`). Memory and the database cannot
 * disagree on a count while seqs are never reissued; if they ever did, the range is read whole.
 */
async function entriesOf(trx: Transaction<Database>, after: string, upTo: string, count: number, recent: RecentEntries | undefined): Promise<{ entries: JournalEntry[]; fromMemory: number }> {
  const here = recent?.within(after, upTo) ?? [];
  if (here.length === count) return { entries: here, fromMemory: count };
  const inRange = trx.selectFrom('journal').selectAll().where('seq', '>', after).where('seq', '<=', upTo).orderBy('seq');
  if (here.length > 0 && here.length < count) {
    // The seqs memory has, as one JSON parameter whatever their number (up to a batch of 2,000).
    const held = JSON.stringify(here.map((e) => e.seq));
    const others = (await inRange.where(sql<boolean>`seq <> all(array(select json_array_elements_text(${held}::json)::bigint))`).execute()).map(journalEntry);
    const merged = inSeqOrder(here, others);
    if (merged.length === count) return { entries: merged, fromMemory: here.length };
  }
  return { entries: (await inRange.execute()).map(journalEntry), fromMemory: 0 };
}

/** Two lists in seq order, merged. */
function inSeqOrder(a: JournalEntry[], b: JournalEntry[]): JournalEntry[] {
  const merged: JournalEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) merged.push(BigInt(a[i]!.seq) < BigInt(b[j]!.seq) ? a[i++]! : b[j++]!);
  return merged.concat(a.slice(i), b.slice(j));
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
  /** The leader's term: a deposed node's step rolls back. */
  fence?: LeaseTerm;
  /**
   * Caught up, how long to let receptions gather before the next batch (default 0: at once). A
   * consumer that need not act within milliseconds (supervision, trouble restores) so takes what
   * arrived meanwhile in one transaction, instead of one transaction per journal commit: under
   * 5,000 receptions/s that was some 70 transactions a second each, CPU taken from the alarms.
   */
  gatherMs?: number;
  /** Its lag behind the journal and where its entries came from (arc_journal_consumer_*). */
  metrics?: Pick<JournalMetrics, 'consumerLag' | 'consumerEntries'>;
}

/** Runs a consumer until stopped: batches while there is a backlog, then waits for the bus. */
export function runConsumer(db: Kysely<Database>, consumer: JournalConsumer, options: RunConsumerOptions): RunningConsumer {
  const { bus, batchSize = 200, pollMs = 1_000, onError, fence, gatherMs = 0, metrics } = options;
  const onStep = metrics && ((step: ConsumerStep) => {
    const lag = BigInt(bus.latest) - BigInt(step.cursor);
    metrics.consumerLag.set({ consumer: consumer.name }, lag > 0n ? Number(lag) : 0);
    if (step.fromMemory > 0) metrics.consumerEntries.inc({ consumer: consumer.name, source: 'memory' }, step.fromMemory);
    if (step.read > 0) metrics.consumerEntries.inc({ consumer: consumer.name, source: 'database' }, step.read);
  });
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
        const taken = await consumeBatch(db, consumer, { batchSize, fence, recent: bus.recent, ...(onStep && { onStep }) });
        if (taken === batchSize) continue;
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
