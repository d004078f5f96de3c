import type { Kysely, Transaction } from 'kysely';
import type { CustomerCard } from '../customers/customer-card.js';
import type { JournalConsumer } from '../journal/journal-consumer.js';
import type { Database } from '../store/database-schema.js';
import type { IncidentBus } from './incident-bus.js';
import type { IncidentMetrics } from './incident-metrics.js';
import type { AlarmEvent } from '../protocols/alarm-event.js';
import { IncidentBatch, type IncidentRef } from './incident-batch.js';
import { decideSignal } from './decide-signal.js';

/** The journal cursor's name: stable, never rename it. */
export const INCIDENT_CONSUMER = 'incidents';

/**
 * Signals per transaction at most. Each batch costs a fixed round of statements (locks, cards,
 * verification states, audit), so a backlog (a storm, the minutes after a failover) drains in big
 * batches; caught up, a batch is whatever arrived meanwhile. At 1,000 alarms/s, 200 could not
 * keep up and 1,000 does (npm run bench -- console, README).
 */
export const INCIDENT_BATCH_SIZE = 1_000;

/** src/customers/customer-lookup.ts's `findCustomerCard`, injected. */
export type FindCustomerCard = (db: Kysely<Database> | Transaction<Database>, account: string) => Promise<CustomerCard | undefined>;

/** src/customers/customer-lookup.ts's `findCustomerCards` (or the card cache's `findMany`), injected: every account asked for is in the map. */
export type FindCustomerCards = (db: Kysely<Database> | Transaction<Database>, accounts: readonly string[]) => Promise<Map<string, CustomerCard | undefined>>;

export interface IncidentConsumerDeps {
  /** A batch's cards in one go: a storm's first alarms come from accounts not read yet. */
  findCustomerCards: FindCustomerCards;
  bus: IncidentBus;
  /** When arc acts (epoch ms): the time of the system's actions. */
  now: () => number;
  metrics?: IncidentMetrics;
  /** Told when the after-commit wake-up could not run (the listeners' poll catches up). */
  onError?: (err: unknown) => void;
  /**
   * Verifies what the batch's signals mean (src/verification), in the same transaction, once the
   * incidents they opened or joined have ids: every signal is verified exactly once.
   */
  verify?: VerifySignals;
}

/** One event of the batch, with the incident it went to (null: none), for the verification engine. */
export interface SignalForVerification {
  account: string;
  event: AlarmEvent;
  incident: IncidentRef | null;
  /** The journal entry it came in. */
  seq: string;
  receivedAt: number;
  customer: CustomerCard | undefined;
}

/**
 * Decides what the batch's signals mean (src/verification), appending its record to `batch`,
 * which the consumer then writes with the signals' own actions in one round of statements.
 */
export type VerifySignals = (trx: Transaction<Database>, signals: SignalForVerification[], batch: IncidentBatch) => Promise<VerifiedSignals>;

/** What verification leaves to do once the batch is written. */
export interface VerifiedSignals {
  /** The in-transaction effects (110 outbox, guard requests, tickets): they read the written record. */
  effects(trx: Transaction<Database>): Promise<void>;
  /** What to do once the transaction has committed; `lastActionId`: wake the consoles with it (null: the caller does). */
  afterCommit(lastActionId: string | null): () => void;
}

/**
 * Turns journaled signals into incidents, run by `runConsumer`: opens or joins in the
 * consumer's transaction (so every signal acts once, exactly), then, once that transaction has
 * committed, wakes the live listeners on `bus` (other nodes hear the NOTIFY it sent).
 *
 * @example runConsumer(store.db, createIncidentConsumer(store.db, { findCustomerCards, bus, now: Date.now }), { bus: journalBus })
 */
export function createIncidentConsumer(db: Kysely<Database>, deps: IncidentConsumerDeps): JournalConsumer {
  return {
    name: INCIDENT_CONSUMER,
    async handle(trx, entries) {
      const relevant = entries.filter((e): e is typeof e & { account: string } => e.account !== null && e.events.length > 0);
      const accounts = [...new Set(relevant.map((e) => e.account))];
      const batch = new IncidentBatch();
      await batch.load(trx, accounts);
      const customers = await deps.findCustomerCards(trx, accounts);
      const signals: SignalForVerification[] = [];
      for (const entry of relevant) {
        const { account } = entry;
        for (const event of entry.events) {
          const customer = customers.get(account);
          const decision = decideSignal(batch.openIncident(account), { event, seq: entry.seq, receivedAt: entry.receivedAt, customer }, deps.now());
          deps.metrics?.signals.inc({ effect: decision.kind === 'none' ? decision.reason : decision.actions[0]!.kind });
          let incident: IncidentRef | null = null;
          if (decision.kind === 'open') incident = batch.open({ account, customerId: decision.customerId, openedAt: entry.receivedAt, openingSeq: entry.seq }, decision.actions);
          else if (decision.kind === 'append') incident = batch.append(account, decision.actions);
          signals.push({ account, event, incident, seq: entry.seq, receivedAt: entry.receivedAt, customer });
        }
      }
      // New incidents get their ids now: verification decides on them before anything is written.
      await batch.assignIds(trx);
      const verified = deps.verify ? await deps.verify(trx, signals, batch) : undefined;
      const lastActionId = await batch.write(trx);
      await verified?.effects(trx);
      const afterVerification = verified?.afterCommit(null);
      // Live views read the feed when woken: only after the commit is there anything to read.
      if (lastActionId !== null || afterVerification) {
        const written = batch.written();
        const committed = written && { ...written, receivedAt: new Map(relevant.map((e) => [e.seq, e.receivedAt])) };
        return () => {
          if (lastActionId !== null) deps.bus.published(lastActionId, committed);
          afterVerification?.();
        };
      }
    },
  };
}
