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

/** src/customers/customer-lookup.ts's `findCustomerCard`, injected. */
export type FindCustomerCard = (db: Kysely<Database> | Transaction<Database>, account: string) => Promise<CustomerCard | undefined>;

export interface IncidentConsumerDeps {
  findCustomerCard: FindCustomerCard;
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

export type VerifySignals = (trx: Transaction<Database>, signals: SignalForVerification[]) => Promise<() => void>;

/**
 * Turns journaled signals into incidents, run by `runConsumer`: opens or joins in the
 * consumer's transaction (so every signal acts once, exactly), then, once that transaction has
 * committed, wakes the live listeners on `bus` (other nodes hear the NOTIFY it sent).
 *
 * @example runConsumer(store.db, createIncidentConsumer(store.db, { findCustomerCard, bus, now: Date.now }), { bus: journalBus })
 */
export function createIncidentConsumer(db: Kysely<Database>, deps: IncidentConsumerDeps): JournalConsumer {
  return {
    name: INCIDENT_CONSUMER,
    async handle(trx, entries) {
      const relevant = entries.filter((e): e is typeof e & { account: string } => e.account !== null && e.events.length > 0);
      const accounts = [...new Set(relevant.map((e) => e.account))];
      const batch = new IncidentBatch();
      await batch.load(trx, accounts);
      const customers = new Map<string, CustomerCard | undefined>();
      for (const account of accounts) customers.set(account, await deps.findCustomerCard(trx, account));
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
      const lastActionId = await batch.write(trx);
      const verified = deps.verify ? await deps.verify(trx, signals) : undefined;
      // Live views read the feed when woken: only after the commit is there anything to read.
      if (lastActionId !== null || verified) {
        return () => {
          if (lastActionId !== null) deps.bus.published(lastActionId);
          verified?.();
        };
      }
    },
  };
}
