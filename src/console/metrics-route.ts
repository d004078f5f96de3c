import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** `GET /metrics`: the Prometheus text of this server's own registry. */
export function registerMetricsRoute(app: FastifyInstance, metrics: Registry): void {
  // Scraped every few seconds: not worth a log line.
  app.get('/metrics', { logLevel: 'warn' }, async (_req, reply) => {
    const text = await metrics.metrics();
    return reply.type(metrics.contentType).send(text);
  });
}
