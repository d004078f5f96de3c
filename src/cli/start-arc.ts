import { noteCallNotPlaced } from '../callback-dialler/call-not-placed.js';
import { createCallbackDialler } from '../callback-dialler/callback-dialler.js';
import { createDiallerMetrics } from '../callback-dialler/dialler-metrics.js';
import { DIALLER_KEY_ID } from '../callback-dialler/dialler-wire.js';
import { readArcVersion } from '../config/arc-version.js';
import type { Config } from '../config/config.js';
import { buildHttpServer } from '../console/http-server.js';
import { GroupCommitJournal } from '../journal/group-commit-journal.js';
import { SpoolFile, spoolPath } from '../journal/spool/spool-file.js';
import { createSpoolMetrics } from '../journal/spool/spool-metrics.js';
import { SpoolingJournal } from '../journal/spool/spooling-journal.js';
import { JournalBus } from '../journal/journal-bus.js';
import { createJournalMetrics } from '../journal/journal-metrics.js';
import { runConsumer } from '../journal/journal-consumer.js';
import { listenForJournalCommits } from '../journal/pg-journal-listener.js';
import { ACCOUNTS_CHANGED_CHANNEL, notifyAccountsChanged } from '../customers/accounts-changed.js';
import { CustomerCardCache } from '../customers/customer-card-cache.js';
import { IncidentBus } from '../incidents/incident-bus.js';
import { INCIDENT_BATCH_SIZE, createIncidentConsumer } from '../incidents/incident-consumer.js';
import { createIncidentMetrics } from '../incidents/incident-metrics.js';
import { listenForIncidentActions } from '../incidents/pg-incident-listener.js';
import { listenForNotifications } from '../store/pg-notification-listener.js';
import { createSupervisionService } from '../supervision/supervision-service.js';
import type { Transaction } from 'kysely';
import { assertTerm, CONSUMERS_LEASE } from '../failover/assert-term.js';
import { createFailoverMetrics } from '../failover/failover-metrics.js';
import { startLeaseKeeper } from '../failover/lease-keeper.js';
import type { Database } from '../store/database-schema.js';
import { buildForwards, buildWithdrawal } from '../uplink110/build-message.js';
import { enqueueUplink, enqueueUplinks } from '../uplink110/enqueue-uplink.js';
import { startUplinkDelivery, type UplinkDelivery } from '../uplink110/uplink-delivery.js';
import { createUplinkMetrics } from '../uplink110/uplink-metrics.js';
import { operatorCallbacks } from '../verification/shell/callback-provider.js';
import type { VerificationInput } from '../verification/verification-input.js';
import { dispatchPolicy } from '../dispatch/decide-order.js';
import { createDispatchService } from '../dispatch/dispatch-service.js';
import { createMaintenanceService } from '../maintenance/maintenance-service.js';
import { createTroubleRestoreConsumer } from '../maintenance/trouble-restores.js';
import { createVerificationMetrics } from '../verification/shell/verification-metrics.js';
import type { QueuedWork } from '../verification/shell/verification-run.js';
import { createVerificationService } from '../verification/shell/verification-service.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { ReloadableAccountDirectory } from '../receivers/account-store.js';
import { startDc09Receiver } from '../receivers/dc09/dc09-receiver.js';
import { createReceiverMetrics } from '../receivers/receiver-metrics.js';
import { createSerialReceiver } from '../receivers/serial/index.js';
import { formatDemoBanner, loadDemo } from '../demo/load-demo.js';
import { openDatabase } from '../store/database.js';
import { migrateToLatest } from '../store/migrations.js';
import { recordNodeStart } from '../store/node-starts.js';

export interface RunningArc {
  /** Where the HTTP server listens, e.g. `http://127.0.0.1:8080`. */
  address: string;
  /** The port the DC-09 receiver listens on, TCP and UDP. */
  dc09Port: number;
  /** With `--demo`: the banner saying who can sign in, and how (printed by serve). */
  demo?: string;
  /** Stops receiving, lets every accepted frame reach the journal, closes the database and its lock. */
  stop(): Promise<void>;
}

/**
 * How long supervision and the trouble-restore consumer let receptions gather once caught up
 * (runConsumer's `gatherMs`): their work is counted in minutes, and batching it leaves the
 * alarms' consumer the CPU (README, "Benchmarks").
 */
const BACKGROUND_GATHER_MS = 250;
/**
 * Their entries per step at most: what gathers in 250 ms at 5,000 receptions/s (1,250) in one
 * step, where the default 200 took six or seven back to back, each a transaction of its own.
 */
const BACKGROUND_BATCH_SIZE = 2_000;

/**
 * The composition root: everything arc runs is built and wired here, in start-up order, and
 * torn down in reverse by `stop`. A reader finds the whole server from this function.
 */
export interface StartOptions {
  /** Load the demo customers and users (`arc serve --demo`). */
  demo?: { password: string };
}

export async function startArc(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningArc> {
  const store = await openDatabase(config, { onBackgroundError: (err) => logger.warn({ err }, 'database connection error') });
  const stops: (() => Promise<void>)[] = [() => store.close()];
  const stopAll = async () => {
    // In reverse: receivers stop taking frames before the journal closes, and so on down.
    // Drained as it goes, so a second call does nothing.
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const applied = await migrateToLatest(store.db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    const version = readArcVersion();
    await recordNodeStart(store.db, { nodeId: config.nodeId, version, databaseKind: store.kind });
    const metrics = createMetrics();

    const bus = new JournalBus();
    if (config.databaseUrl) {
      const listener = listenForJournalCommits(config.databaseUrl, bus, (err, failures) => logger.warn({ err, failures }, 'journal LISTEN connection error'));
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
    // While the database cannot take receptions, they are synced to this node's spool before
    // their ACK, and drained into the journal when it can (closing it closes the journal too).
    const spool = await SpoolFile.open(spoolPath(config.spoolDir, config.nodeId), { maxBytes: config.spoolMaxMb * 1024 * 1024 });
    // Heartbeat supervision: every reception is a sign of life; a late account is a trouble. It
    // runs on the leader (below); a standby's overview is empty until it leads. Made before the
    // spool's journal: a spool past its threshold is this node's receiver trouble, recorded
    // (retried until the database is back) as its serial receivers' troubles are.
    const supervision = createSupervisionService({ db: store.db, nodeId: config.nodeId, now: Date.now, logger, metrics, receivers: config.serialPorts.map((p) => p.name) });
    const spoolReceiver = `spool:${config.nodeId}`;
    const receiving = new SpoolingJournal({
      db: store.db,
      journal,
      spool,
      nodeId: config.nodeId,
      dedupWindowMs: config.dedupWindowS * 1000,
      bus,
      logger,
      metrics: createSpoolMetrics(metrics),
      spoolAfterMs: config.spoolAfterMs,
      warnBytes: config.spoolWarnMb * 1024 * 1024,
      onThreshold: (over, bytes) =>
        supervision.receiverStatus(
          over
            ? { receiver: spoolReceiver, status: 'disconnected', at: Date.now(), reason: `the database has been away: the local spool holds ${(bytes / 1048576).toFixed(1)} MiB, past its ${config.spoolWarnMb} MiB threshold` }
            : { receiver: spoolReceiver, status: 'up', at: Date.now() },
        ),
    });
    receiving.start();
    stops.push(() => receiving.close());

    // Before the account directory loads, so that the demo accounts are received at once.
    const demo = options.demo ? await loadDemo(store.db, { password: options.demo.password, now: () => new Date() }) : undefined;

    const accounts = new ReloadableAccountDirectory(store.db);
    await accounts.reload();
    logger.info({ accounts: accounts.size }, 'accounts loaded');

    const customerCards = new CustomerCardCache({ ttlMs: 60_000, now: Date.now });
    const reloadAccounts = async () => {
      customerCards.invalidate();
      await accounts.reload();
      await supervision.reload();
      logger.info({ accounts: accounts.size }, 'accounts reloaded');
    };
    if (config.databaseUrl) {
      // The other node's API (or `arc import`) changed accounts: receive with the new keys here too.
      const listener = listenForNotifications(
        config.databaseUrl,
        ACCOUNTS_CHANGED_CHANNEL,
        () => void reloadAccounts().catch((err: unknown) => logger.error({ err }, 'accounts reload failed')),
        (err, failures) => logger.warn({ err, failures }, 'accounts LISTEN connection error'),
      );
      stops.push(() => listener.close());
    }
    const onAccountsChanged = async () => {
      await reloadAccounts();
      if (store.kind === 'postgres') await notifyAccountsChanged(store.db);
    };

    // Incidents: journaled signals open or join them; committed actions wake the live consoles.
    const incidentBus = new IncidentBus();
    const incidentMetrics = createIncidentMetrics(metrics);
    if (config.databaseUrl) {
      const listener = listenForIncidentActions(config.databaseUrl, incidentBus, (err, failures) => logger.warn({ err, failures }, 'incident LISTEN connection error'));
      stops.push(() => listener.close());
    }
    const onConsumerError = (consumer: string) => (err: unknown) => logger.error({ err, consumer }, 'journal consumer step failed: retrying');

    // The 110 uplink's and the dispatch worker's queues (worked on the leader) are filled by
    // incident actions' transactions: each such commit wakes them. The incidents consumer's
    // batches (`committed` given) are most commits in a storm and mostly queue nothing; they wake
    // the workers through verification's onQueued when they do, and are passed over here, as is
    // their echo through LISTEN (known by its last action id). Every other commit (an operator's,
    // a timer's, another node's) wakes them as it is published.
    const uplinkKey = config.uplink110Url !== undefined && config.uplink110Secret !== undefined ? { keyId: config.uplink110KeyId, secret: config.uplink110Secret } : null;
    const uplinkMetrics = createUplinkMetrics(metrics);
    let uplink: UplinkDelivery | null = null;
    const wakeWorkers = (queued: QueuedWork) => {
      if (queued.uplink) uplink?.kick();
      if (queued.dispatch) dispatch.kick(); // does nothing off the leader
    };
    const consumerBatches = new Set<string>();
    const stopKicking = incidentBus.onPublished((actionId, committed) => {
      if (committed !== undefined) {
        consumerBatches.add(actionId);
        // An echo that came a turn late is never removed below: the set keeps the latest only.
        if (consumerBatches.size > 1_000) consumerBatches.delete(consumerBatches.values().next().value!);
        return;
      }
      // A turn of the event loop later: an echo is read with its batch's commit, often before it.
      setImmediate(() => {
        if (!consumerBatches.delete(actionId)) wakeWorkers({ uplink: true, dispatch: true });
      });
    });
    stops.push(() => Promise.resolve(stopKicking()));

    // Maintenance tickets (维保工单): opened from troubles and supervision; the routes work on any node.
    const maintenance = createMaintenanceService({ db: store.db, now: Date.now, logger, metrics, policy: config.ticketPolicy });

    // Password callbacks (口令复核): placed by a voice gateway when one is configured (its results
    // come back signed to /api/callback-dialler/results), else by the operators from the console.
    const diallerKey = config.callbackDiallerUrl !== undefined && config.callbackDiallerSecret !== undefined ? { keyId: DIALLER_KEY_ID, secret: config.callbackDiallerSecret } : null;
    const diallerMetrics = createDiallerMetrics(metrics);
    const dialler =
      diallerKey &&
      createCallbackDialler({
        gateway: { url: config.callbackDiallerUrl!, secret: diallerKey.secret },
        now: Date.now,
        logger,
        metrics: diallerMetrics,
        onNotPlaced: async (call) => {
          const actionId = await noteCallNotPlaced(store.db, call, Date.now());
          if (actionId !== null) incidentBus.published(actionId);
        },
      });
    if (dialler) stops.push(() => dialler.stop());

    // Verification: alarms are verified in the incidents consumer's transaction; operators'
    // verdicts and callbacks on any node; its timers on the leader.
    const verification = createVerificationService(store.db, {
      now: Date.now,
      logger,
      metrics: createVerificationMetrics(metrics),
      callbacks: dialler ?? operatorCallbacks,
      effects: {
        forward110: async (trx, forwards) => {
          const now = Date.now();
          const inputs = forwards.map((f) => ({ incidentId: f.incidentId, account: f.account, revision: f.revision, level: f.level, evidence: f.evidence, note: `confirmed again by the verification engine (${f.level})`, now }));
          await enqueueUplinks(trx, await buildForwards(trx, inputs, customerCards.find));
        },
        cancel110: async (trx, c) => {
          const cancel = await buildWithdrawal(trx, { incidentId: c.incidentId, revision: c.revision, reason: c.reason, now: c.at });
          if (cancel) await enqueueUplink(trx, cancel);
        },
        dispatchGuards: async (trx, orders) => {
          await dispatch.queueRequests(trx, orders.map((order) => ({ incidentId: order.incidentId, account: order.account, reason: order.reason, requestedBy: 'system', at: order.at })));
        },
        openTicket: async (trx, ticket) => {
          await maintenance.openTicketForTrouble(trx, ticket);
        },
      },
      onPublished: (id) => incidentBus.published(id),
      onQueued: wakeWorkers,
      onTimerError: (err) => logger.error({ err }, 'verification timer step failed: retrying'),
    });
    // Guard dispatch: orders from operators and the engine; a guard's report goes back to the engine.
    const dispatch = createDispatchService({
      db: store.db,
      now: Date.now,
      logger,
      policy: dispatchPolicy(config),
      incidentBus,
      onGuardReport: (trx, report) => verificationOf(report.incidentId, trx, { kind: 'guard_report', incidentId: report.incidentId, guardId: report.guardId, finding: report.finding, note: report.note }),
    });
    const verificationOf = async (incidentId: string, trx: Transaction<Database>, input: VerificationInput) => {
      const { account } = await trx.selectFrom('incident').select('account').where('id', '=', incidentId).executeTakeFirstOrThrow();
      return verification.inTransaction(trx, account, input);
    };
    const incidentConsumer = createIncidentConsumer(store.db, {
      findCustomerCards: customerCards.findMany,
      bus: incidentBus,
      now: Date.now,
      metrics: incidentMetrics,
      onError: onConsumerError('incidents'),
      verify: verification.verifySignals,
    });

    // Leadership: one node (the lease holder) runs the consumers, the timers and the uplink;
    // every write they make is fenced with its term. With the embedded database this is the only node.
    let leading: (() => Promise<void>)[] = [];
    const keeper = await startLeaseKeeper({
      db: store.db,
      nodeId: config.nodeId,
      single: store.kind === 'pglite',
      renewMs: config.leaseRenewMs,
      ttlMs: config.leaseTtlMs,
      logger,
      metrics: createFailoverMetrics(metrics),
      onLead: async (term) => {
        const fence = (trx: Transaction<Database>) => assertTerm(trx, term);
        // The consumers check the same term in their step's first statement (arc_consumer_advance).
        const leaseTerm = { lease: CONSUMERS_LEASE, term };
        await supervision.start({ fence });
        const supervisionRun = runConsumer(store.db, supervision.consumer, { bus, fence: leaseTerm, metrics: journalMetrics, batchSize: BACKGROUND_BATCH_SIZE, gatherMs: BACKGROUND_GATHER_MS, onError: onConsumerError('supervision') });
        const incidents = runConsumer(store.db, incidentConsumer, { bus, fence: leaseTerm, metrics: journalMetrics, batchSize: INCIDENT_BATCH_SIZE, onError: onConsumerError('incidents') });
        verification.startTimers({ fence });
        dispatch.start();
        await maintenance.start({ fence });
        const restores = runConsumer(store.db, createTroubleRestoreConsumer(config.ticketPolicy), { bus, fence: leaseTerm, metrics: journalMetrics, batchSize: BACKGROUND_BATCH_SIZE, gatherMs: BACKGROUND_GATHER_MS, onError: onConsumerError('maintenance-restores') });
        uplink = startUplinkDelivery({
          db: store.db,
          target: uplinkKey && { url: config.uplink110Url!, ...uplinkKey },
          now: Date.now,
          logger,
          metrics: uplinkMetrics,
          retry: { initialMs: 1_000, maxMs: 30_000 },
          acceptTimeoutMs: config.uplink110AcceptTimeoutS * 1000,
          onCommitted: (id) => incidentBus.published(id),
        });
        const delivery = uplink;
        // Stopped in this order: the uplink and timers, the consumers, then supervision's state.
        leading = [
          async () => {
            uplink = null;
            await delivery.stop();
          },
          () => verification.stopTimers(),
          () => dispatch.stop(),
          () => incidents.stop(),
          () => restores.stop(),
          () => maintenance.stop(),
          () => supervisionRun.stop(),
          () => supervision.stop(),
        ];
      },
      onLose: async () => {
        for (const stop of leading.splice(0)) await stop();
      },
    });
    stops.push(() => keeper.stop());

    const receiverMetrics = createReceiverMetrics(metrics);
    const dc09 = await startDc09Receiver(
      {
        host: config.dc09Host,
        port: config.dc09Port,
        maxConnections: config.dc09MaxConnections,
        idleTimeoutMs: config.dc09IdleTimeoutS * 1000,
        peerRate: config.dc09PeerRate,
      },
      { journal: receiving, accounts, unknownAccountReply: config.unknownAccountReply, now: Date.now, metrics: receiverMetrics, logger },
    );
    stops.push(() => dc09.stop());
    for (const setting of config.serialPorts) {
      const serial = createSerialReceiver(setting, {
        journal: receiving,
        accounts,
        metrics: receiverMetrics,
        logger,
        nodeId: config.nodeId,
        onStatus: (s) => {
          logger[s.status === 'up' ? 'info' : 'warn'](s, `serial receiver ${s.receiver} is ${s.status}`);
          supervision.receiverStatus(s);
        },
      });
      await serial.start();
      stops.push(() => serial.stop());
    }

    const app = buildHttpServer({ config, store, metrics, logger, sessionTtlMs: config.sessionTtlS * 1000, onAccountsChanged, incidentBus, incidentMetrics, supervision, verification, uplinkKey, diallerKey, diallerMetrics, failover: keeper, spoolDepth: () => receiving.depth, dispatch, maintenance });
    const address = await app.listen({ port: config.httpPort, host: config.httpHost });
    stops.push(() => app.close());
    logger.info({ address, dc09Port: dc09.port, database: store.kind, version }, 'arc is serving');
    const consoleUrl = `${address.replace('://0.0.0.0:', '://127.0.0.1:')}/`;
    return { address, dc09Port: dc09.port, ...(demo && { demo: formatDemoBanner(demo, consoleUrl) }), stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
