import { appendFile } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import type { Logger } from '../../observability/logger.js';
import type { Database } from '../../store/database-schema.js';
import { appendDocument } from '../commit-batch.js';
import { JournalClosedError, type GroupCommitJournal } from '../group-commit-journal.js';
import type { JournalBus } from '../journal-bus.js';
import { batchRow } from '../journal-rows.js';
import type { JournalEntry, JournalWriter, Reception, SpooledReception } from '../reception.js';
import type { SpoolFile, SpoolRead } from './spool-file.js';
import type { SpoolMetrics } from './spool-metrics.js';

export interface SpoolingJournalDeps {
  db: Kysely<Database>;
  journal: GroupCommitJournal;
  spool: SpoolFile;
  nodeId: string;
  dedupWindowMs: number;
  bus: JournalBus;
  logger: Logger;
  metrics?: SpoolMetrics;
  /** A journal commit not done by then is given up on: the reception goes to the spool (ARC_SPOOL_AFTER_MS). */
  spoolAfterMs: number;
  /** Past this many bytes the spool is a trouble: logged as an error, `arc_spool_over_threshold` 1, and told to `onThreshold`. */
  warnBytes: number;
  /**
   * Told when the undrained spool passes `warnBytes` (true) and when it is back under (false):
   * the receiving node's trouble, which supervision records once the database takes writes again.
   */
  onThreshold?: (over: boolean, bytes: number) => void;
  /** How often draining retries while the database is away (default 1 s). */
  retryMs?: number;
  /** Spool lines per journal transaction while draining (default 500). */
  drainBatch?: number;
}

const SPOOLED: SpooledReception = { spooled: true };

/** The hand-back waits for a drain commit of at most this many lines: milliseconds, not a panel's patience. */
const HANDBACK_LINES = 50;

/** The drainer committing the spool's last lines; `opened` resolves when it is done (or gives up). */
interface Handback {
  opened: Promise<void>;
  open: () => void;
}

/**
 * The receivers' journal: receptions go to the journal while the database takes them, and to the
 * node's local spool (fsynced before the ACK) when a commit fails or takes longer than
 * `spoolAfterMs`. Once anything is spooled, everything after it is spooled too, so that the
 * journal receives them in the order they came; a drainer moves the spool into the journal
 * (de-duplicated there: a reception whose slow commit did land after all is recorded as a
 * duplicate, not processed twice) and hands back to the direct path when the spool is empty.
 *
 * Under steady traffic a reception arrives during every drain commit, so the spool would never be
 * seen empty: once the database takes the drainer's commits again and it has reached the spool's
 * end, new receptions wait for it (the hand-back, at most half of `spoolAfterMs`) instead of adding
 * to the spool, and go straight to the journal, in order, when the last lines are in.
 */
export class SpoolingJournal implements JournalWriter {
  readonly #deps: SpoolingJournalDeps;
  #spooling: boolean;
  #draining: Promise<void> | undefined;
  #closed = false;
  #warned = false;
  #wake: (() => void) | undefined;
  /** Held while the drainer commits the spool's last lines: receptions wait for it rather than spool. */
  #handback: Handback | undefined;

  constructor(deps: SpoolingJournalDeps) {
    this.#deps = deps;
    this.#spooling = deps.spool.depth > 0;
    this.#gauge();
  }

  /** Receptions in the spool, not yet in the journal. */
  get depth(): number {
    return this.#deps.spool.depth;
  }

  /** Resolves once draining has stopped: the spool is empty and receptions go to the journal again (or it was closed). */
  async settled(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Drains what an earlier run left in the spool. */
  start(): void {
    if (this.#spooling) {
      this.#deps.logger.warn({ depth: this.depth, spool: this.#deps.spool.path }, 'the local spool holds receptions from before: draining them into the journal');
      this.#drainInBackground();
    }
  }

  async append(reception: Reception): Promise<JournalEntry | SpooledReception> {
    if (this.#closed) throw new JournalClosedError();
    if (this.#spooling && this.#handback) {
      await this.#awaitHandback(performance.now() + this.#deps.spoolAfterMs / 2);
      if (this.#closed) throw new JournalClosedError();
    }
    if (this.#spooling) return this.#spool(reception, 'backlog');
    const committed = this.#deps.journal.append(reception);
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), this.#deps.spoolAfterMs)));
    let reason: 'database_failed' | 'database_slow';
    try {
      const result = await Promise.race([committed, slow]);
      if (result !== 'slow') return result;
      committed.catch(() => undefined); // spooled instead: its late outcome changes nothing
      reason = 'database_slow';
    } catch (err) {
      if (err instanceof JournalClosedError) throw err;
      reason = 'database_failed';
      if (!this.#spooling) this.#deps.logger.error({ err }, 'the journal cannot commit: receiving into the local spool');
    } finally {
      clearTimeout(timer);
    }
    if (reason === 'database_slow' && !this.#spooling) this.#deps.logger.error({ afterMs: this.#deps.spoolAfterMs }, 'the journal is not committing: receiving into the local spool');
    this.#spooling = true;
    return this.#spool(reception, reason);
  }

  /** Stops draining (what is left stays in the spool for the next start) and closes both. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await this.#draining;
    await this.#deps.journal.close();
    await this.#deps.spool.close();
  }

  async #spool(reception: Reception, reason: 'database_failed' | 'database_slow' | 'backlog'): Promise<SpooledReception> {
    const { spool, metrics } = this.#deps;
    try {
      await spool.append(JSON.stringify(batchRow(reception, this.#deps.dedupWindowMs)));
    } catch (err) {
      if ((err as { code?: string }).code === 'SPOOL_FULL') metrics?.full.inc();
      throw err;
    }
    metrics?.spooled.inc({ reason });
    this.#gauge();
    this.#drainInBackground();
    return SPOOLED;
  }

  #drainInBackground(): void {
    this.#draining ??= this.#drain()
      .catch((err: unknown) => this.#deps.logger.error({ err }, 'draining the local spool failed: it stays for the next start'))
      .finally(() => (this.#draining = undefined));
  }

  async #drain(): Promise<void> {
    const { spool, logger, drainBatch = 500 } = this.#deps;
    let committing = false; // the last drain commit succeeded: the database is back
    try {
      while (!this.#closed) {
        const read = await spool.read(drainBatch);
        if (read.lines.length === 0) {
          if (spool.depth === 0) {
            // Nothing written or waiting to be: new receptions may go straight to the journal again.
            this.#spooling = false;
            this.#gauge();
            logger.info({ spool: spool.path }, 'the local spool is drained: receiving into the journal again');
            return;
          }
          await this.#sleep(10); // lines still being written
          continue;
        }
        // The spool's last few lines, and the database takes commits: hold new receptions back while these go in.
        if (committing && read.lines.length < drainBatch && read.lines.length <= HANDBACK_LINES) this.#holdHandback();
        try {
          await this.#append(read);
          committing = true;
        } catch (err) {
          committing = false;
          this.#openHandback(); // no hand-back soon: the receptions waiting for it go to the spool
          if (!(await this.#databaseUp())) {
            logger.warn({ err, depth: spool.depth }, 'the database is still away: the spool waits');
            await this.#sleep(this.#deps.retryMs ?? 1_000);
            continue;
          }
          // The database is up and refused the batch: find the line it refuses.
          await this.#appendOneByOne(read);
        }
      }
    } finally {
      this.#openHandback();
    }
  }

  #holdHandback(): void {
    if (this.#handback) return;
    let open = () => {};
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.#handback = { opened, open };
  }

  /** Lets the receptions waiting for the hand-back go on: to the journal if it happened, else to the spool. */
  #openHandback(): void {
    const handback = this.#handback;
    this.#handback = undefined;
    handback?.open();
  }

  /** Waits while a hand-back is under way, until `deadline` (performance.now()) at the latest. */
  async #awaitHandback(deadline: number): Promise<void> {
    let handback: Handback | undefined;
    while (this.#spooling && (handback = this.#handback)) {
      const ms = deadline - performance.now();
      if (ms <= 0) return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
      const outcome = await Promise.race([handback.opened, late]);
      clearTimeout(timer);
      if (outcome === 'late') return;
    }
  }

  async #append(read: SpoolRead): Promise<void> {
    const { firstSeq } = await appendDocument(this.#deps.db, this.#deps.nodeId, `[${read.lines.join(',')}]`);
    await this.#deps.spool.markDrained(read);
    this.#deps.bus.committed(String(BigInt(firstSeq) + BigInt(read.lines.length - 1)));
    this.#deps.metrics?.drained.inc(read.lines.length);
    this.#gauge();
  }

  async #appendOneByOne(read: SpoolRead): Promise<void> {
    let start = read.end - read.lines.reduce((bytes, line) => bytes + Buffer.byteLength(line) + 1, 0);
    for (const line of read.lines) {
      const one = { lines: [line], end: start + Buffer.byteLength(line) + 1 };
      start = one.end;
      try {
        await this.#append(one);
      } catch (err) {
        if (!(await this.#databaseUp())) throw err; // away again: the next round retries from here
        // Never lost: set aside with the reason, and counted, for someone to look at.
        await appendFile(`${this.#deps.spool.path}.rejected`, `${JSON.stringify({ error: String(err), line })}\n`, { flush: true });
        await this.#deps.spool.markDrained(one);
        this.#deps.metrics?.quarantined.inc();
        this.#deps.logger.error({ err, rejected: `${this.#deps.spool.path}.rejected` }, 'the database refused a spooled reception: set aside');
      }
    }
  }

  /** A database that does not answer within the spool's own patience counts as away. */
  async #databaseUp(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const away = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(1_000, this.#deps.spoolAfterMs))));
    const answered = sql`select 1`.execute(this.#deps.db).then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answered, away]);
    } finally {
      clearTimeout(timer);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => {
        clearTimeout(timer);
        done();
      };
      this.#wake = wake;
      function done() {
        resolve();
      }
    });
  }

  #gauge(): void {
    const { spool, metrics, warnBytes, logger } = this.#deps;
    metrics?.depth.set(spool.depth);
    metrics?.bytes.set(spool.pendingBytes);
    const over = spool.pendingBytes > warnBytes;
    metrics?.overThreshold.set(over ? 1 : 0);
    if (over && !this.#warned) logger.error({ bytes: spool.pendingBytes, warnBytes, spool: spool.path }, 'the local spool is past its threshold: the database has been away long');
    if (over !== this.#warned) this.#deps.onThreshold?.(over, spool.pendingBytes);
    this.#warned = over;
  }
}
