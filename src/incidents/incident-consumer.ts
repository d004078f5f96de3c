import type { Kysely, Transaction } from 'kysely';
import type { CustomerCard } from '../customers/customer-card.js';
import type { JournalConsumer } from '../journal/journal-consumer.js';
import type { Database } from '../store/database-schema.js';
import type { IncidentBus } from './incident-bus.js';
import type { IncidentMetrics } from './incident-metrics.js';
import { IncidentBatch } from './incident-batch.js';
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
}

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
      for (const entry of relevant) {
        const { account } = entry;
        for (const event of entry.events) {
          const decision = decideSignal(batch.openIncident(account), { event, seq: entry.seq, receivedAt: entry.receivedAt, customer: customers.get(account) }, deps.now());
          deps.metrics?.signals.inc({ effect: decision.kind === 'none' ? decision.reason : decision.actions[0]!.kind });
          if (decision.kind === 'open') batch.open({ account, customerId: decision.customerId, openedAt: entry.receivedAt, openingSeq: entry.seq }, decision.actions);
          else if (decision.kind === 'append') batch.append(account, decision.actions);
        }
      }
      const lastActionId = await batch.write(trx);
      const published = lastActionId;
      // Live views read the feed when woken: only after the commit is there anything to read.
      if (published !== null) return () => deps.bus.published(published);
    },
  };
}
