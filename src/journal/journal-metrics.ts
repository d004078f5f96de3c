import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface JournalMetrics {
  batchSize: Histogram;
  commitSeconds: Histogram;
  /** By consumer: seqs committed past its cursor, as this node knows of them (a rolled-back append's gap counts too). */
  consumerLag: Gauge<'consumer'>;
  /** By consumer and source (`memory`, `database`): the entries its steps took. */
  consumerEntries: Counter<'consumer' | 'source'>;
}

/**
 * Group commit at work (how many receptions each transaction carried, and how long it took), and
 * the consumers behind it: a growing lag of `incidents` means alarms reaching the operators late.
 */
export function createJournalMetrics(registry: Registry): JournalMetrics {
  return {
    batchSize: new Histogram({ name: 'arc_journal_batch_size', help: 'Receptions per journal transaction', buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500], registers: [registry] }),
    commitSeconds: new Histogram({ name: 'arc_journal_commit_seconds', help: 'Time to commit one journal batch', buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1], registers: [registry] }),
    consumerLag: new Gauge({ name: 'arc_journal_consumer_lag', help: "Journal seqs committed past a consumer's cursor, as this node knows of them, after its last step (about the entries it has still to take)", labelNames: ['consumer'], registers: [registry] }),
    consumerEntries: new Counter({ name: 'arc_journal_consumer_entries_total', help: "Journal entries a consumer's steps took, from this node's memory or read from the database", labelNames: ['consumer', 'source'], registers: [registry] }),
  };
}
