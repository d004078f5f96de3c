import type { Kysely } from 'kysely';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database-schema.js';
import { CONSUMERS_LEASE } from './assert-term.js';
import { decideLease, stepDownAt } from './decide-lease.js';
import { FailoverError } from './failover-error.js';
import type { FailoverMetrics } from './failover-metrics.js';
import { claimSingleLease, ensureLease, handOverLease, heartbeat, readLease, releaseLease, renewLease, takeLease, type LeaseRow, type TakenLease } from './lease-store.js';
import { awaitLeader, requestSwitchover } from './switchover.js';

export const DEFAULT_RENEW_MS = 500;
export const DEFAULT_TTL_MS = 2_000;

export interface LeaseKeeperOptions {
  db: Kysely<Database>;
  /** ARC_NODE_ID: unique per node (two processes with one id would each take the other's lease for their own). */
  nodeId: string;
  /** The embedded database: this is the only node; it leads at once under term 1, for good. */
  single?: boolean;
  /** Which lease (default 'consumers'). */
  lease?: string;
  /** How often the leader renews and a standby looks (ARC_LEASE_RENEW_MS). */
  renewMs?: number;
  /** How long a renewal lasts (ARC_LEASE_TTL_MS); at least twice renewMs. */
  ttlMs?: number;
  logger: Logger;
  metrics?: FailoverMetrics;
  /** This node leads under `term`: start the consumers, each write fenced with `assertTerm(trx, term)`. */
  onLead: (term: number) => Promise<void> | void;
  /**
   * This node leads no more: stop the consumers (their in-flight batch commits or is refused by
   * the fence) and resolve once they have stopped. Never called twice for one onLead.
   */
  onLose: () => Promise<void> | void;
}

export type LeaseRole = 'leader' | 'standby' | 'single';

export interface LeaseStatus {
  nodeId: string;
  role: LeaseRole;
  /** This node's term while it leads, else the lease's as last seen (null before the first look). */
  term: number | null;
  holder: string | null;
  /** Database clock; null: never lapses (single node), or not seen yet. */
  leaseExpiresAt: Date | null;
  /** A switchover asked for and not yet taken up. */
  handoverTo: string | null;
}

export interface SwitchoverResult {
  /** The target took the lease up within the wait; false: asked, still under way. */
  done: boolean;
  holder: string | null;
  term: number | null;
}

export interface LeaseKeeper {
  readonly nodeId: string;
  readonly single: boolean;
  readonly ttlMs: number;
  status(): LeaseStatus;
  /** Asks the leader (whichever node it is) to drain and hand over to `to`; waits for `to` to lead. */
  switchover(to: string, options?: { timeoutMs?: number }): Promise<SwitchoverResult>;
  /** Stops renewing; a leader drains (onLose) and lets the lease lapse at once for a standby. */
  stop(): Promise<void>;
}

/** One spell of leading, from acquisition to the end of its onLose (and hand-over). */
interface Leadership {
  term: number;
  /** onLead, running or done: onLose waits for it. */
  led: Promise<void>;
  lost?: Promise<void>;
  handingOver?: string;
  /** onLose done and any hand-over written: this node may contend again. */
  settled: boolean;
}

/**
 * Keeps the lease: contends while standing by, renews while leading, and calls onLead/onLose.
 * A leader steps down as soon as a renewal finds another holder or term, and on its own
 * clock when no renewal has succeeded for ttl − renew (the database cut off), before any
 * other node may take the lease. Its writes are fenced anyway (assertTerm): stepping down
 * early only spares them being refused.
 *
 * @example const keeper = await startLeaseKeeper({ db, nodeId, logger, onLead: (term) => consumers.start(term), onLose: () => consumers.stop() })
 */
export async function startLeaseKeeper(options: LeaseKeeperOptions): Promise<LeaseKeeper> {
  const { db, nodeId, logger, metrics, onLead, onLose, single = false, lease: name = CONSUMERS_LEASE, renewMs = DEFAULT_RENEW_MS, ttlMs = DEFAULT_TTL_MS } = options;
  if (!(Number.isInteger(renewMs) && renewMs > 0 && Number.isInteger(ttlMs) && ttlMs >= 2 * renewMs)) {
    throw new RangeError(`the lease ttl (${ttlMs} ms) must be at least twice the renewal interval (${renewMs} ms), both whole positive milliseconds`);
  }
  return single ? startSingle() : startShared();

  async function startSingle(): Promise<LeaseKeeper> {
    await claimSingleLease(db, { name, nodeId });
    metrics?.leadershipChanges.inc({ reason: 'single' });
    metrics?.isLeader.set(1);
    logger.info({ term: 1 }, 'single node (embedded database): this node runs the consumers');
    await onLead(1);
    let stopped: Promise<void> | undefined;
    return {
      nodeId,
      single: true,
      ttlMs,
      status: () => ({ nodeId, role: 'single', term: 1, holder: nodeId, leaseExpiresAt: null, handoverTo: null }),
      switchover: () => Promise.reject(new FailoverError('SINGLE_NODE', 'single node (embedded database): there is no other node to hand over to')),
      stop: () =>
        (stopped ??= (async () => {
          metrics?.isLeader.set(0);
          await onLose();
        })()),
    };
  }

  async function startShared(): Promise<LeaseKeeper> {
    const startedAt = new Date();
    await ensureLease(db, name);
    await heartbeat(db, nodeId, startedAt);

    let seen: LeaseRow | undefined;
    let leader: Leadership | undefined;
    let previous: Leadership | undefined;
    let deadline: NodeJS.Timeout | undefined;
    let stopped = false;
    let failing = false;
    let wake: (() => void) | undefined;

    const loseOnce = (l: Leadership): Promise<void> =>
      (l.lost ??= (async () => {
        await l.led;
        try {
          await onLose();
        } catch (err) {
          logger.error({ err, term: l.term }, 'onLose failed: the consumers may not have stopped cleanly (their writes are fenced)');
        }
      })());

    const settle = (l: Leadership, done: Promise<unknown>) => void done.finally(() => (l.settled = true)).catch(() => undefined);

    const stepDown = (l: Leadership, why: string): Promise<void> => {
      if (leader === l) {
        leader = undefined;
        clearTimeout(deadline);
        metrics?.isLeader.set(0);
        logger.warn({ term: l.term, why }, 'stepping down: this node no longer runs the consumers');
      }
      const lost = loseOnce(l);
      if (!l.handingOver) settle(l, lost);
      return lost;
    };

    const armDeadline = (l: Leadership, renewSentAt: number) => {
      clearTimeout(deadline);
      const ms = Math.max(0, stepDownAt(renewSentAt, ttlMs, renewMs) - performance.now());
      deadline = setTimeout(() => void stepDown(l, `no renewal for ${ttlMs - renewMs} ms: the lease may lapse`), ms);
    };

    const lead = (taken: TakenLease, sentAt: number) => {
      const l: Leadership = { term: taken.term, led: Promise.resolve(), settled: false };
      leader = previous = l;
      seen = { holder: nodeId, term: taken.term, expired: false, handoverTo: null, expiresAt: taken.expiresAt, renewedAt: new Date() };
      armDeadline(l, sentAt);
      metrics?.isLeader.set(1);
      metrics?.leadershipChanges.inc({ reason: taken.reason });
      if (taken.takeoverMs !== null) metrics?.takeoverSeconds.observe({ reason: taken.reason }, taken.takeoverMs / 1000);
      logger.info({ term: taken.term, reason: taken.reason, previousHolder: taken.previousHolder, previousTerm: taken.previousTerm, takeoverMs: taken.takeoverMs }, 'this node leads: it runs the consumers');
      l.led = (async () => {
        try {
          await onLead(taken.term);
        } catch (err) {
          logger.error({ err, term: taken.term }, 'onLead failed: giving the lease up');
          void stepDown(l, 'onLead failed').then(() => releaseLease(db, { name, nodeId, term: l.term })).catch(() => undefined);
        }
      })();
    };

    const handOver = async (l: Leadership, to: string) => {
      l.handingOver = to;
      logger.info({ term: l.term, to }, 'switchover asked: draining the consumers before handing over');
      const done = (async () => {
        await loseOnce(l); // renewals go on meanwhile: no other node takes the lease during the drain
        if (leader !== l) return; // stepped down (or stopping) during the drain: the lease lapses instead
        leader = undefined;
        clearTimeout(deadline);
        metrics?.isLeader.set(0);
        const handed = await handOverLease(db, { name, nodeId, term: l.term, ttlMs, to });
        logger.info({ term: l.term, to, handed }, handed ? 'drained and handed over' : 'drained, but the lease was no longer ours to hand over');
      })();
      settle(l, done);
      await done.catch((err: unknown) => logger.error({ err, to }, 'hand-over failed: the lease lapses to any node'));
    };

    const tick = async () => {
      const l = leader;
      if (l) {
        const sentAt = performance.now();
        const renewed = await renewLease(db, { name, nodeId, term: l.term, ttlMs });
        if (leader !== l) return; // stepped down while the renewal was out
        const row = renewed ?? (await readLease(db, name));
        seen = row;
        const action = decideLease({ nodeId, term: l.term }, row);
        if (action.kind === 'step-down') {
          void stepDown(l, `the lease is now ${row?.holder ?? 'nobody'}'s under term ${row?.term ?? '?'}`);
          return;
        }
        armDeadline(l, sentAt);
        if (action.kind === 'hand-over' && l.handingOver === undefined) void handOver(l, action.to);
        return;
      }
      seen = await readLease(db, name);
      if (previous && !previous.settled) return; // the last spell's consumers are still stopping
      const action = decideLease({ nodeId, term: null }, seen);
      if (action.kind !== 'acquire' && action.kind !== 'adopt') return;
      const sentAt = performance.now();
      const taken = await takeLease(db, { name, nodeId, ttlMs });
      if (taken) lead(taken, sentAt);
    };

    const loop = (async () => {
      while (!stopped) {
        const started = performance.now();
        try {
          await tick();
          if (failing) logger.info('lease keeper reaches the database again');
          failing = false;
          await heartbeat(db, nodeId, startedAt);
        } catch (err) {
          // Logged once per outage; a leader's deadline steps it down if this lasts.
          if (!failing) logger.warn({ err }, 'lease keeper: database error, retrying every renewal interval');
          failing = true;
        }
        if (stopped) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, renewMs - (performance.now() - started)));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();

    let stopping: Promise<void> | undefined;
    return {
      nodeId,
      single: false,
      ttlMs,
      status: () => ({
        nodeId,
        role: leader ? 'leader' : 'standby',
        term: leader?.term ?? seen?.term ?? null,
        holder: seen?.holder ?? null,
        leaseExpiresAt: seen?.expiresAt ?? null,
        handoverTo: seen?.handoverTo ?? null,
      }),
      async switchover(to, { timeoutMs = Math.max(10_000, 5 * ttlMs) } = {}) {
        if (stopped) throw new FailoverError('KEEPER_STOPPED', 'this node is stopping');
        await requestSwitchover(db, { lease: name, to, aliveWithinMs: ttlMs });
        const row = await awaitLeader(db, name, to, { timeoutMs, pollMs: Math.max(50, Math.floor(renewMs / 2)) });
        return row ? { done: true, holder: row.holder, term: row.term } : { done: false, holder: to, term: null };
      },
      stop: () =>
        (stopping ??= (async () => {
          stopped = true;
          wake?.();
          await loop;
          const l = leader;
          if (l) {
            await stepDown(l, 'stopping');
            // Lapse now rather than in ttl: a standby takes over at its next look.
            await releaseLease(db, { name, nodeId, term: l.term }).catch((err: unknown) => logger.warn({ err }, 'could not release the lease: it lapses by itself'));
          } else if (previous?.lost) {
            await previous.lost;
          }
          clearTimeout(deadline);
        })()),
    };
  }
}
