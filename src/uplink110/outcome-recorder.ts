import type { Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { recordOutcomes, type Appended, type AnsweredMessage, type RecordedOutcome } from './uplink-outbox.js';

/** Answers recorded in one transaction at most. */
const RECORD_BATCH = 100;

interface Waiting {
  answered: AnsweredMessage;
  resolve: (r: RecordedOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Records 110's answers as they come, group-commit style: an answer that arrives while a record
 * is in flight waits for it and goes in the next one with every other answer that arrived
 * meanwhile. A quiet link records each answer at once; a storm's burst of acceptances costs one
 * transaction per round instead of one each (see recordOutcomes). A round that fails is retried
 * one answer at a time, so that one bad answer is refused alone.
 */
export class OutcomeRecorder {
  readonly #waiting: Waiting[] = [];
  #flushing = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly retry: { initialMs: number; maxMs: number },
    /** Told once a round has committed (the incident actions it appended, the escalations it raised). */
    private readonly onCommitted: (appended: Appended) => void,
    /** Told when onCommitted threw: the round stays recorded (never recorded again). */
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Resolves once the answer is committed; rejects when it could not be (the message's lease lapses and it goes again). */
  record(answered: AnsweredMessage): Promise<RecordedOutcome> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ answered, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#waiting.length > 0) {
        const round = this.#waiting.splice(0, RECORD_BATCH);
        try {
          await this.#commit(round);
        } catch (err) {
          if (round.length === 1) round[0]!.reject(err);
          else for (const one of round) await this.#commit([one]).catch(one.reject);
        }
      }
    } finally {
      // No await between the loop's last look at the queue and this: a record() after it starts a new flush.
      this.#flushing = false;
    }
  }

  async #commit(round: Waiting[]): Promise<void> {
    const { appended, recorded } = await recordOutcomes(this.db, round.map((w) => w.answered), this.retry);
    round.forEach((w, i) => w.resolve(recorded[i]!));
    // Committed: whatever the telling does, the round must not be taken for failed and recorded twice.
    try {
      this.onCommitted(appended);
    } catch (err) {
      this.onError(err);
    }
  }
}
