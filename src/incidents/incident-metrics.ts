import { Counter, Histogram, type Registry } from 'prom-client';

export interface IncidentMetrics {
  /** From receipt of the opening alarm to an operator's acknowledgement. */
  ackSeconds: Histogram<'event_class' | 'priority'>;
  /** What the incidents consumer did with each event: open, join, log, on_test, none. */
  signals: Counter<'effect'>;
}

/** Created once per registry (prom-client refuses a second metric of one name). */
export function createIncidentMetrics(registry: Registry): IncidentMetrics {
  return {
    ackSeconds: new Histogram({
      name: 'arc_incident_ack_seconds',
      help: 'Time from receipt of the alarm that opened an incident to its acknowledgement',
      labelNames: ['event_class', 'priority'],
      buckets: [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600],
      registers: [registry],
    }),
    signals: new Counter({
      name: 'arc_incident_signal_events_total',
      help: 'Journaled events the incidents consumer handled, by what they did',
      labelNames: ['effect'],
      registers: [registry],
    }),
  };
}
