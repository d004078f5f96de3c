import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface FailoverMetrics {
  /** Leases this node took, by reason. The sum over the nodes is the number of changes. */
  leadershipChanges: Counter<'reason'>;
  /** From the old lease's expiry (or its hand-over) to this node's acquisition, database clock. */
  takeoverSeconds: Histogram<'reason'>;
  /** 1 while this node runs the consumers. */
  isLeader: Gauge;
}

export function createFailoverMetrics(registry: Registry): FailoverMetrics {
  return {
    leadershipChanges: new Counter({ name: 'arc_leadership_changes_total', help: 'Leases this node took, by reason (first, lapsed, reclaimed, switchover, single)', labelNames: ['reason'] as const, registers: [registry] }),
    takeoverSeconds: new Histogram({
      name: 'arc_takeover_seconds',
      help: 'From the previous lease expiry (or hand-over) to this node taking the lease',
      labelNames: ['reason'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    isLeader: new Gauge({ name: 'arc_is_leader', help: '1 while this node holds the consumers lease and runs the consumers', registers: [registry] }),
  };
}
