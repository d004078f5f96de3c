import type { Kysely } from 'kysely';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database-schema.js';
import { sendMessage, type UplinkTarget } from './send-message.js';
import type { UplinkMetrics } from './uplink-metrics.js';
import { OutcomeRecorder } from './outcome-recorder.js';
import { claimDue, escalateOverdue, escalateUnsendable, outboxWake, type Appended, type ClaimedMessage } from './uplink-outbox.js';

export interface UplinkDeliveryDeps {
  db: Kysely<Database>;
  /** The police centre; null when the uplink is off: every message is escalated to the phone at once. */
  target: UplinkTarget | null;
  /** Epoch ms. */
  now: () => number;
  logger: Logger;
  metrics?: UplinkMetrics;
  /** Backoff between attempts: doubling from initialMs, capped at maxMs. */
  retry: { initialMs: number; maxMs: number };
  /** A message not accepted this long after enqueue is escalated to the operator (once). */
  acceptTimeoutMs?: number;
  /** How long one POST may take before it counts as failed. */
  requestTimeoutMs?: number;
  /** The longest the worker sleeps without a kick (another node's enqueue, a lost wake-up). */
  pollMs?: number;
  /** Messages sent at once in one pass. */
  batchSize?: number;
  fetch?: typeof fetch;
  /** Told of the incident actions it committed (accepted, rejected, escalated): the incident bus. */
  onCommitted?: (lastActionId: string) => void;
}

export interface UplinkDelivery {
  /** Look at the outbox now (an enqueue committed): coalesced, never concurrent with itself. */
  kick(): void;
  /** Resolves once no pass is running or asked for (tests: `kick(); await settled()`). */
  settled(): Promise<void>;
  /** Stops the timer and waits for the pass in flight. */
  stop(): Promise<void>;
}

const LEASE_MARGIN_MS = 5_000;
const MIN_SLEEP_MS = 100;

/**
 * The 110 delivery worker: takes due messages from the outbox (for update skip locked), POSTs
 * them signed, and records the outcomes with their incident actions (those that arrive together
 * in one transaction: OutcomeRecorder); escalates what 110 has not accepted in time; sleeps until
 * the next due attempt or escalation, or a kick.
 *
 * @example const d = startUplinkDelivery({ db, target, now: Date.now, logger, retry: { initialMs: 1000, maxMs: 30_000 } }); bus.onPublished(() => d.kick());
 */
export function startUplinkDelivery(deps: UplinkDeliveryDeps): UplinkDelivery {
  const { db, target, now, logger, metrics, retry, acceptTimeoutMs = 30_000, requestTimeoutMs = 5_000, pollMs = 5_000, batchSize = 10 } = deps;
  const doFetch = deps.fetch ?? fetch;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const committed = (appended: Appended) => {
    for (const reason of appended.escalations) metrics?.escalations.inc({ reason });
    for (const id of appended.lastActionIds) deps.onCommitted?.(id);
  };
  const outcomes = new OutcomeRecorder(db, retry, committed, (err) => logger.error({ err }, "110 answers were recorded, but telling the live views failed: they catch up at their next tick"));

  async function deliver(message: ClaimedMessage): Promise<void> {
    if (target === null) return;
    const startedAt = now();
    const outcome = await sendMessage(target, message.payload, { now, timeoutMs: requestTimeoutMs, fetch: doFetch });
    const at = now();
    metrics?.deliveries.inc({ result: outcome.result });
    const log = { incidentId: message.incidentId, revision: message.revision, kind: message.kind, attempt: message.attempt, result: outcome.result, httpStatus: outcome.httpStatus };
    try {
      const recorded = await outcomes.record({ message, outcome, startedAt, at });
      if (outcome.result === 'accepted') {
        if (!recorded.stillPending) metrics?.acceptSeconds.observe({ kind: message.kind }, Math.max(0, at - message.createdAt) / 1000);
        logger.info({ ...log, caseNumber: outcome.caseNumber }, '110 accepted the message');
      } else if (outcome.result === 'rejected') {
        logger.warn({ ...log, reason: outcome.reason }, '110 rejected the message: the operator is told to call 110');
      } else {
        logger.warn({ ...log, error: outcome.error }, '110 did not answer the message: retrying');
      }
    } catch (err) {
      // The lease lapses and the message goes again; 110 answers a repeat with the same case.
      logger.error({ ...log, err }, 'the outcome of a 110 delivery could not be recorded');
    }
  }

  async function pass(): Promise<number> {
    const t = now();
    if (target === null) {
      const appended = await escalateUnsendable(db, t);
      committed(appended);
      if (appended.escalations.length > 0) logger.warn({ messages: appended.escalations.length }, 'the 110 uplink is off: operators are told to call 110 by phone');
    } else {
      const overdue = await escalateOverdue(db, t, acceptTimeoutMs);
      committed(overdue);
      if (overdue.escalations.length > 0) logger.warn({ messages: overdue.escalations.length, acceptTimeoutMs }, '110 has not accepted in time: operators are told to call 110 by phone');
      const claimed = await claimDue(db, t, requestTimeoutMs + LEASE_MARGIN_MS, batchSize);
      await Promise.all(claimed.map(deliver));
      // An answered message may let the next one of its incident go (an update waits for its notify).
      if (claimed.length > 0) again = true;
    }
    const wake = await outboxWake(db);
    metrics?.pending.set(wake.pending);
    const escalateAt = target !== null && wake.oldestUnescalated !== null ? wake.oldestUnescalated + acceptTimeoutMs : Infinity;
    return Math.min(wake.due ?? Infinity, escalateAt, now() + pollMs);
  }

  async function loop(): Promise<void> {
    let wakeAt: number;
    do {
      again = false;
      try {
        wakeAt = await pass();
      } catch (err) {
        logger.warn({ err }, '110 delivery pass failed: retrying');
        wakeAt = now() + retry.initialMs;
      }
    } while (again && !stopped);
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(kick, Math.max(MIN_SLEEP_MS, wakeAt - now()));
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = loop().finally(() => (running = undefined));
  }

  kick();
  return {
    kick,
    async settled() {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      while (running) await running;
    },
  };
}
