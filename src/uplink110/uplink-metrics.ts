import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface UplinkMetrics {
  /** Every delivery attempt, by result (accepted, rejected, http_error, network_error, timeout, bad_answer). */
  deliveries: Counter<'result'>;
  /** From enqueue (the confirmation) to 110's acceptance: the goal is p99 ≤ 1 s. */
  acceptSeconds: Histogram<'kind'>;
  /** Messages not yet answered by 110. */
  pending: Gauge;
  /** Operators told to call 110 by phone, by reason. */
  escalations: Counter<'reason'>;
}

/** Created once per registry (prom-client refuses a second metric of one name). */
export function createUplinkMetrics(registry: Registry): UplinkMetrics {
  return {
    deliveries: new Counter({ name: 'arc_uplink110_deliveries_total', help: 'Delivery attempts to the 110 centre, by result', labelNames: ['result'], registers: [registry] }),
    acceptSeconds: new Histogram({
      name: 'arc_uplink110_accept_seconds',
      help: 'Time from a message entering the 110 outbox (the confirmation) to its acceptance by 110',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    pending: new Gauge({ name: 'arc_uplink110_pending', help: 'Messages in the 110 outbox not answered yet', registers: [registry] }),
    escalations: new Counter({ name: 'arc_uplink110_escalations_total', help: 'Operators told to call 110 by phone, by reason', labelNames: ['reason'], registers: [registry] }),
  };
}
