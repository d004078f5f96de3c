import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Test } from 'tap';
import { assertTerm } from '../../src/failover/assert-term.js';
import { createLogger } from '../../src/observability/logger.js';
import { startLeaseKeeper, type LeaseKeeper, type LeaseKeeperOptions } from '../../src/failover/lease-keeper.js';
import type { Database } from '../../src/store/database-schema.js';
import { runArc } from '../helpers/arc-process.js';

export const silent = createLogger({ logLevel: 'silent', nodeId: 't', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));

/** Short enough for tests, long enough that a loaded 2-core machine does not lose a lease by a stall. */
export const RENEW_MS = 200;
export const TTL_MS = 1_000;

/** What a keeper's callbacks saw, in order, across the keepers of one test: `a lead 1`, `a lose`… */
export type Journal = string[];

export interface TestKeeper {
  keeper: LeaseKeeper;
  nodeId: string;
  /** The terms onLead was given. */
  terms: number[];
  leading: () => boolean;
}

/**
 * A keeper whose consumers are a log line. onLose is the drain of an in-flight batch: it takes
 * `loseMs`, then (with `drainWrite`) commits a fenced write under the term it led with, as the
 * last batch of a consumer would: `node-a drain ok` or `node-a drain refused`.
 */
export async function keeperFor(t: Test, db: Kysely<Database>, nodeId: string, log: Journal, options: Partial<LeaseKeeperOptions> & { loseMs?: number; drainWrite?: boolean } = {}): Promise<TestKeeper> {
  const terms: number[] = [];
  let leading = false;
  const keeper = await startLeaseKeeper({
    db,
    nodeId,
    renewMs: RENEW_MS,
    ttlMs: TTL_MS,
    logger: silent,
    onLead: (term) => {
      terms.push(term);
      leading = true;
      log.push(`${nodeId} lead ${term}`);
    },
    onLose: async () => {
      log.push(`${nodeId} losing`);
      await new Promise((r) => setTimeout(r, options.loseMs ?? 0));
      if (options.drainWrite === true) {
        const term = terms.at(-1)!;
        const written = db.transaction().execute(async (trx) => {
          await assertTerm(trx, term);
          await trx.insertInto('journal_cursor').values({ consumer: `drain-${nodeId}`, seq: String(term) }).onConflict((oc) => oc.column('consumer').doUpdateSet({ seq: String(term) })).execute();
        });
        log.push(`${nodeId} drain ${await written.then(() => 'ok', () => 'refused')}`);
      }
      leading = false;
      log.push(`${nodeId} lost`);
    },
    ...options,
  });
  t.teardown(() => keeper.stop());
  return { keeper, nodeId, terms, leading: () => leading };
}

/** Polls `check` until it is true, failing after `timeoutMs` (a bound for a hung test, not a timing assertion). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `bin/arc` in this process (test/helpers/arc-process.ts). */
export const arc = runArc;
