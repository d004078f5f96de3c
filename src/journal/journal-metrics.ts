import { Histogram, type Registry } from 'prom-client';

/** Group commit at work: how many receptions each transaction carried, and how long it took. */
export function createJournalMetrics(registry: Registry): { batchSize: Histogram; commitSeconds: Histogram } {
  return {
    batchSize: new Histogram({ name: 'arc_journal_batch_size', help: 'Receptions per journal transaction', buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500], registers: [registry] }),
    commitSeconds: new Histogram({ name: 'arc_journal_commit_seconds', help: 'Time to commit one journal batch', buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1], registers: [registry] }),
  };
}
