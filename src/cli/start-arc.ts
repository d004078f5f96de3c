import { readArcVersion } from '../config/arc-version.js';
import type { Config } from '../config/config.js';
import { buildHttpServer } from '../console/http-server.js';
import { GroupCommitJournal } from '../journal/group-commit-journal.js';
import { JournalBus } from '../journal/journal-bus.js';
import { createJournalMetrics } from '../journal/journal-metrics.js';
import { listenForJournalCommits } from '../journal/pg-journal-listener.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { ReloadableAccountDirectory } from '../receivers/account-store.js';
import { startDc09Receiver } from '../receivers/dc09/dc09-receiver.js';
import { createReceiverMetrics } from '../receivers/receiver-metrics.js';
import { createSerialReceiver } from '../receivers/serial/index.js';
import { openDatabase } from '../store/database.js';
import { migrateToLatest } from '../store/migrations.js';
import { recordNodeStart } from '../store/node-starts.js';

export interface RunningArc {
  /** Where the HTTP server listens, e.g. `http://127.0.0.1:8080`. */
  address: string;
  /** The port the DC-09 receiver listens on, TCP and UDP. */
  dc09Port: number;
  /** Stops receiving, lets every accepted frame reach the journal, closes the database and its lock. */
  stop(): Promise<void>;
}

/**
 * The composition root: everything arc runs is built and wired here, in start-up order, and
 * torn down in reverse by `stop`. A reader finds the whole server from this function.
 */
export async function startArc(config: Config, logger: Logger): Promise<RunningArc> {
  const store = await openDatabase(config, { onBackgroundError: (err) => logger.warn({ err }, 'database connection error') });
  const stops: (() => Promise<void>)[] = [() => store.close()];
  const stopAll = async () => {
    // In reverse: receivers stop taking frames before the journal closes, and so on down.
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const applied = await migrateToLatest(store.db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    const version = readArcVersion();
    await recordNodeStart(store.db, { nodeId: config.nodeId, version, databaseKind: store.kind });
    const metrics = createMetrics();

    const bus = new JournalBus();
    if (config.databaseUrl) {
      const listener = listenForJournalCommits(config.databaseUrl, bus, (err) => logger.warn({ err }, 'journal LISTEN connection error'));
      stops.push(() => listener.close());
    }
    const journalMetrics = createJournalMetrics(metrics);
    const journal = new GroupCommitJournal(store.db, {
      nodeId: config.nodeId,
      dedupWindowMs: config.dedupWindowS * 1000,
      bus,
      onBatch: (size, seconds) => {
        journalMetrics.batchSize.observe(size);
        journalMetrics.commitSeconds.observe(seconds);
      },
    });
    stops.push(() => journal.close());

    const accounts = new ReloadableAccountDirectory(store.db);
    await accounts.reload();
    logger.info({ accounts: accounts.size }, 'accounts loaded');

    const receiverMetrics = createReceiverMetrics(metrics);
    const dc09 = await startDc09Receiver(
      {
        host: config.dc09Host,
        port: config.dc09Port,
        maxConnections: config.dc09MaxConnections,
        idleTimeoutMs: config.dc09IdleTimeoutS * 1000,
        peerRate: config.dc09PeerRate,
      },
      { journal, accounts, unknownAccountReply: config.unknownAccountReply, now: Date.now, metrics: receiverMetrics, logger },
    );
    stops.push(() => dc09.stop());
    for (const setting of config.serialPorts) {
      const serial = createSerialReceiver(setting, {
        journal,
        accounts,
        metrics: receiverMetrics,
        logger,
        nodeId: config.nodeId,
        onStatus: (s) => logger[s.status === 'up' ? 'info' : 'warn'](s, `serial receiver ${s.receiver} is ${s.status}`),
      });
      await serial.start();
      stops.push(() => serial.stop());
    }

    const app = buildHttpServer({ config, store, metrics, logger });
    const address = await app.listen({ port: config.httpPort, host: config.httpHost });
    stops.push(() => app.close());
    logger.info({ address, dc09Port: dc09.port, database: store.kind, version }, 'arc is serving');
    return { address, dc09Port: dc09.port, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
