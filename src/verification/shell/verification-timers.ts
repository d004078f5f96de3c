import type { Kysely } from 'kysely';
import type { Fence } from '../../journal/journal-consumer.js';
import type { Database } from '../../store/database-schema.js';
import { runVerification, type VerificationDeps } from './verification-run.js';

export interface VerificationTimers {
  /** Looks for due timers now (tests call it with their clock moved on). */
  tick(): Promise<number>;
  /** A decision started a timer due at `at`: look then, rather than at the next poll. */
  wake(at: number): void;
  stop(): Promise<void>;
}

/**
 * Runs the engine's timers (an unanswered call, a fire's callback deadline). They live in the
 * engine's state, so they survive a restart and a failover; this loop finds the due ones by the
 * state's `next_timer_at`, at every poll and at the earliest timer it was told of, and feeds
 * each its `timer_expired` in a transaction of its own per account.
 */
export function startVerificationTimers(db: Kysely<Database>, deps: VerificationDeps & { pollMs?: number; onError?: (err: unknown) => void; fence?: Fence }): VerificationTimers {
  const pollMs = deps.pollMs ?? 1_000;
  let stopped = false;
  let running: Promise<number> | null = null;
  let again = false;
  let wakeTimer: NodeJS.Timeout | null = null;
  let wakeAt = Infinity;

  const step = async (): Promise<number> => {
    const now = deps.now();
    const due = await db.selectFrom('verification_state').select('account').where('next_timer_at', '<=', new Date(now)).orderBy('next_timer_at').limit(100).execute();
    let fired = 0;
    for (const { account } of due) {
      if (stopped) break;
      const after = await db.transaction().execute(async (trx) => {
        await deps.fence?.(trx);
        return runVerification(trx, [{ account, dueTimers: true }], deps);
      });
      after();
      fired += 1;
    }
    return fired;
  };
  const tick = async (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await step();
      } while (again && !stopped);
      return total;
    })().finally(() => (running = null));
    return running;
  };
  const safeTick = () => {
    tick().catch((err: unknown) => {
      deps.metrics?.timerFailures.inc();
      deps.onError?.(err);
    });
  };
  const poll = setInterval(safeTick, pollMs);
  poll.unref();

  return {
    tick,
    wake(at) {
      if (stopped || at >= wakeAt) return;
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeAt = at;
      wakeTimer = setTimeout(() => {
        wakeTimer = null;
        wakeAt = Infinity;
        safeTick();
      }, Math.max(0, at - deps.now()));
      wakeTimer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(poll);
      if (wakeTimer) clearTimeout(wakeTimer);
      await running?.catch(() => undefined);
    },
  };
}
