import { Histogram, type Registry } from 'prom-client';

/**
 * `arc_console_push_seconds`: from arc's receipt of a signal (its journal `received_at`) to the
 * push of the incident action it caused to a live console. Operators' actions, and actions sent
 * in a reconnecting console's catch-up, are not observed: they have no receipt to measure from,
 * or measure the client's absence.
 */
export function createLiveMetrics(registry: Registry): Histogram {
  return new Histogram({
    name: 'arc_console_push_seconds',
    help: 'Time from receipt of a signal to the push of its incident action to a live console',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
}
