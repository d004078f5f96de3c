import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One registry per running arc, never prom-client's global one, so that a test can build many
 * servers in one process. Process metrics carry the `arc_` prefix.
 */
export function createMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'arc_' });
  return registry;
}
