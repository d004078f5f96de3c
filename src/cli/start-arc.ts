import { readArcVersion } from '../config/arc-version.js';
import type { Config } from '../config/config.js';
import { buildHttpServer } from '../console/http-server.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { openDatabase } from '../store/database.js';
import { migrateToLatest } from '../store/migrations.js';
import { recordNodeStart } from '../store/node-starts.js';

export interface RunningArc {
  /** Where the HTTP server listens, e.g. `http://127.0.0.1:8080`. */
  address: string;
  /** Stops accepting, closes the database and releases its lock. */
  stop(): Promise<void>;
}

/**
 * The composition root: everything arc runs is built and wired here, in start-up order, and
 * torn down in reverse by `stop`. A reader finds the whole server from this function.
 */
export async function startArc(config: Config, logger: Logger): Promise<RunningArc> {
  const store = await openDatabase(config, { onBackgroundError: (err) => logger.warn({ err }, 'database connection error') });
  try {
    const applied = await migrateToLatest(store.db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    const version = readArcVersion();
    await recordNodeStart(store.db, { nodeId: config.nodeId, version, databaseKind: store.kind });

    const app = buildHttpServer({ config, store, metrics: createMetrics(), logger });
    const address = await app.listen({ port: config.httpPort, host: config.httpHost });
    logger.info({ address, database: store.kind, version }, 'arc is serving');
    return {
      address,
      async stop() {
        try {
          await app.close();
        } finally {
          await store.close();
        }
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

