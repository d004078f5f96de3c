import { Counter, Gauge, type Registry } from 'prom-client';

export interface SpoolMetrics {
  depth: Gauge;
  bytes: Gauge;
  overThreshold: Gauge;
  spooled: Counter<'reason'>;
  drained: Counter;
  quarantined: Counter;
  full: Counter;
}

/** The local spool: how much waits in it, why receptions went there, and what came out. */
export function createSpoolMetrics(registry: Registry): SpoolMetrics {
  return {
    depth: new Gauge({ name: 'arc_spool_depth', help: 'Receptions in the local spool, not yet in the journal', registers: [registry] }),
    bytes: new Gauge({ name: 'arc_spool_bytes', help: 'Bytes of the local spool not yet drained into the journal', registers: [registry] }),
    overThreshold: new Gauge({ name: 'arc_spool_over_threshold', help: '1 while the local spool holds more than ARC_SPOOL_WARN_MB: the database has been away long', registers: [registry] }),
    spooled: new Counter({ name: 'arc_spooled_total', help: 'Receptions made durable in the local spool instead of the journal, by why (database_failed, database_slow, backlog: the spool was draining)', labelNames: ['reason'], registers: [registry] }),
    drained: new Counter({ name: 'arc_spool_drained_total', help: 'Spooled receptions appended to the journal', registers: [registry] }),
    quarantined: new Counter({ name: 'arc_spool_quarantined_total', help: 'Spool lines the database refused with the database up (set aside in <spool>.rejected)', registers: [registry] }),
    full: new Counter({ name: 'arc_spool_full_total', help: 'Receptions refused (not ACKed) because the spool was at ARC_SPOOL_MAX_MB', registers: [registry] }),
  };
}
