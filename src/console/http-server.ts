import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/database.js';
import { registerHealthRoute } from './health-route.js';
import { registerMetricsRoute } from './metrics-route.js';

export interface HttpServerDeps {
  config: Pick<Config, 'nodeId'>;
  store: Pick<Store, 'db' | 'kind'>;
  metrics: Registry;
  logger: Logger;
  /** How long /healthz waits for the database before it answers 503. */
  healthTimeoutMs?: number;
}

const HEALTH_TIMEOUT_MS = 2_000; // under a typical probe timeout, so the probe sees our 503

/**
 * The HTTP face of arc, built but not listening: `serve` calls `listen`, tests call `inject`.
 *
 * @example const app = buildHttpServer({ config, store, metrics, logger }); await app.listen({ port: 8080 });
 */
export function buildHttpServer({ config, store, metrics, logger, healthTimeoutMs = HEALTH_TIMEOUT_MS }: HttpServerDeps): FastifyInstance {
  // Widened to fastify's logger type, so that routes are registered on a plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({ loggerInstance });
  registerHealthRoute(app, { config, store, timeoutMs: healthTimeoutMs });
  registerMetricsRoute(app, metrics);
  return app;
}
