import type { Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import { isStaleTermError } from '../failover/assert-term.js';
import type { Fence, JournalConsumer } from '../journal/journal-consumer.js';
import type { JournalEntry } from '../journal/reception.js';
import type { Logger } from '../observability/logger.js';
import type { SerialReceiverStatus } from '../receivers/serial/index.js';
import type { Database } from '../store/database-schema.js';
import { accountSettings, nextSettingsChange, type AccountConfig } from './account-settings.js';
import { ONLINE_RATE_WARNING } from './period-rate.js';
import { reportKindOf } from './report-kind.js';
import {
  SIGN_OF_LIFE,
  appendSupervisionEvents,
  journalHead,
  loadAccountConfigs,
  loadLastReceptions,
  loadRecordedStandings,
  positionCursor,
  type NewSupervisionEvent,
} from './supervision-store.js';
import { Supervisor, type LiveRate, type SupervisionEvent } from './supervisor.js';

export const SUPERVISION_CONSUMER = 'supervision';

export interface SupervisionServiceDeps {
  db: Kysely<Database>;
  nodeId: string;
  /** Epoch ms. */
  now: () => number;
  logger: Logger;
  /** Gauges `arc_supervision_*` are registered here when given. */
  metrics?: Registry;
  /** The serial receivers configured on this node: shown as `pending` until their first status. */
  receivers?: readonly string[];
  /** How often the timer ticks (default 1 s). */
  tickMs?: number;
  /**
   * How far behind the clock a tick judges (default 2 s): a report received just before an
   * account's due time may still be on its way through the journal consumer, and must not
   * make a late-then-restored pair.
   */
  settleMs?: number;
  /** A safety net under the reload calls: the configuration is re-read this often (default 5 min). */
  reloadEveryMs?: number;
}

export interface LateAccountView {
  account: string;
  customerId: string | null;
  customerName: string | null;
  lateSince: number;
  lastReportAt: number | null;
  intervalS: number;
  graceS: number;
}

export interface ReceiverView {
  receiver: string;
  node: string;
  status: 'up' | 'silent' | 'disconnected' | 'pending';
  since: number | null;
  reason: string | null;
  /** silent or disconnected: the receiver's panels cannot reach arc through it. */
  trouble: boolean;
}

export interface SupervisionOverview extends LiveRate {
  at: number;
  warning: boolean;
  /** Accounts with a customer whose interval is not set (or with no customer): never late. */
  unsupervised: number;
  lateAccounts: LateAccountView[];
  receivers: ReceiverView[];
}

export interface SupervisionService {
  /** The journal consumer to run (`runConsumer`) after `start` has resolved. */
  readonly consumer: JournalConsumer;
  /**
   * Rebuilds the state from the configuration, the journal and the log; starts the timer. On the
   * leader: `fence` (its term check) guards every write of the accounts' transitions.
   */
  start(options?: { fence?: Fence }): Promise<void>;
  /** Re-reads the accounts' configuration: call it when accounts or customers changed. */
  reload(): Promise<void>;
  /** One tick now, and the pending transitions written (the timer calls it; tests too). */
  tick(): Promise<void>;
  /**
   * A serial receiver's status change (`onStatus` of createSerialReceiver). Recorded by the node
   * whose port it is, leader or not (no other node can know it), retried until written.
   */
  receiverStatus(status: SerialReceiverStatus): void;
  overview(limit?: number): SupervisionOverview;
  /** Stops the timer and writes what is pending. */
  stop(): Promise<void>;
}

/**
 * The shell around the Supervisor: feeds it every reception from the journal, ticks it once a
 * second, and records its transitions durably in `supervision_event`. The state lives in
 * memory; at start it is rebuilt from the accounts' configuration, each account's last journal
 * reception and the last recorded transitions, so what happened while arc was down is recorded
 * then (late at the time it fell due, restored at the report).
 *
 * Transitions are queued and written by the tick (at most `tickMs` later), outside the consumer's
 * transaction: a failed write is retried at the next tick, and a crash before it is made good
 * by the rebuild at the next start, which derives the same transitions from the journal.
 */
export function createSupervisionService(deps: SupervisionServiceDeps): SupervisionService {
  const { db, nodeId, now, logger, tickMs = 1_000, settleMs = 2_000, reloadEveryMs = 300_000 } = deps;
  // Made anew at every start: a node that leads again rebuilds it from the journal and the log.
  let supervisor = new Supervisor();
  const configs = new Map<string, AccountConfig>();
  const receivers = new Map<string, ReceiverView>((deps.receivers ?? []).map((r) => [r, { receiver: r, node: nodeId, status: 'pending', since: null, reason: null, trouble: false }]));
  let pending: NewSupervisionEvent[] = [];
  let fence: Fence | undefined;
  let receiverEvents: NewSupervisionEvent[] = [];
  let receiverRetry: NodeJS.Timeout | undefined;
  let nextChange: number | null = null;
  let lastReload = 0;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let reloading: Promise<void> | undefined;

  const queue = (events: readonly SupervisionEvent[], detail: (e: SupervisionEvent) => object | null = () => null) => {
    for (const e of events) pending.push({ subjectType: 'account', subject: e.account, kind: e.kind, at: e.at, lastReportAt: e.lastReportAt, detail: detail(e) });
  };
  // A late trouble carries the settings it was judged by (they may change before anyone looks).
  const settingsDetail = (e: SupervisionEvent) => {
    const config = configs.get(e.account);
    const settings = config ? accountSettings(config, e.at) : null;
    return settings ? { intervalS: settings.intervalMs / 1000, graceS: settings.graceMs / 1000, countsAs: settings.countsAs } : null;
  };

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    try {
      await appendSupervisionEvents(db, nodeId, batch, fence);
    } catch (err) {
      if (isStaleTermError(err)) {
        // Deposed: the new leader rebuilds from the journal and records these transitions itself.
        logger.warn({ dropped: batch.length }, 'supervision transitions not recorded: this node no longer leads');
        return;
      }
      pending = batch.concat(pending);
      logger.error({ err, pending: pending.length }, 'supervision transitions not recorded; retried at the next tick');
    }
  };

  // A receiver's own status: this node's hardware, recorded whether or not it leads. One write
  // at a time, in order; `tick` and `stop` wait for the ones asked for before them.
  let receiverWrites: Promise<void> = Promise.resolve();
  const flushReceivers = () => (receiverWrites = receiverWrites.then(writeReceivers));
  const writeReceivers = async () => {
    if (receiverEvents.length === 0) return;
    const batch = receiverEvents;
    receiverEvents = [];
    try {
      await appendSupervisionEvents(db, nodeId, batch);
    } catch (err) {
      receiverEvents = batch.concat(receiverEvents);
      logger.error({ err, pending: receiverEvents.length }, 'receiver status not recorded; retried in a second');
      receiverRetry ??= setTimeout(() => {
        receiverRetry = undefined;
        void flushReceivers();
      }, tickMs);
      receiverRetry.unref();
    }
  };

  const applyConfigs = (loaded: AccountConfig[], at: number) => {
    const seen = new Set<string>();
    for (const config of loaded) {
      seen.add(config.account);
      configs.set(config.account, config);
      queue(supervisor.configure(config.account, accountSettings(config, at), at));
    }
    for (const account of [...configs.keys()]) {
      if (seen.has(account)) continue;
      configs.delete(account);
      queue(supervisor.configure(account, null, at));
    }
    nextChange = nextSettingsChange(configs.values(), at);
    lastReload = at;
  };

  const reload = () => {
    reloading ??= (async () => {
      try {
        const loaded = await loadAccountConfigs(db);
        applyConfigs(loaded, now());
        await flush();
        logger.debug({ accounts: loaded.length, ...supervisor.live() }, 'supervision configuration reloaded');
      } finally {
        reloading = undefined;
      }
    })();
    return reloading;
  };

  const tick = () => {
    ticking ??= (async () => {
      try {
        const at = now();
        if ((nextChange !== null && at >= nextChange) || at - lastReload >= reloadEveryMs) {
          await reload().catch((err: unknown) => logger.error({ err }, 'supervision configuration reload failed'));
        }
        const late = supervisor.tick(at - settleMs);
        queue(late, settingsDetail);
        if (late.length > 0) logger.warn({ late: late.length, sample: late.slice(0, 5).map((e) => e.account) }, 'accounts late: communication fail');
        await flush();
        await flushReceivers();
      } finally {
        ticking = undefined;
      }
    })();
    return ticking;
  };

  const consumer: JournalConsumer = {
    name: SUPERVISION_CONSUMER,
    outcomes: SIGN_OF_LIFE,
    // Every reception is a sign of life, a panel's retransmission and the other node's copy too.
    includeDuplicates: true,
    handle(_trx, entries: JournalEntry[]) {
      if (!started) return Promise.reject(new Error('supervision consumer run before the supervision service started'));
      for (const entry of entries) {
        if (entry.account === null) continue;
        const restored = supervisor.report(entry.account, entry.receivedAt, reportKindOf(entry));
        queue(restored, () => ({ seq: entry.seq }));
      }
      return Promise.resolve();
    },
  };

  if (deps.metrics) registerGauges(deps.metrics, () => supervisor.live());

  return {
    consumer,
    async start(options = {}) {
      fence = options.fence;
      supervisor = new Supervisor();
      configs.clear();
      // The head first: whatever is journaled after it is fed by the consumer (feeding a
      // reception twice is harmless: only a newer report moves anything).
      const head = await journalHead(db);
      const [loaded, receptions, recorded] = await Promise.all([loadAccountConfigs(db), loadLastReceptions(db), loadRecordedStandings(db)]);
      const at = now();
      const none = { lastAnyAt: null, lastTestAt: null, standing: null, lateSince: null, includedAt: null, lastEventAt: null };
      for (const config of loaded) {
        configs.set(config.account, config);
        const history = { ...none, ...receptions.get(config.account), ...recorded.get(config.account) };
        queue(supervisor.resume(config.account, accountSettings(config, at), history, at));
      }
      // Accounts that vanished from the configuration while they were in service.
      for (const [account, history] of recorded) {
        if (!configs.has(account)) queue(supervisor.resume(account, null, { ...none, ...history }, at));
      }
      nextChange = nextSettingsChange(configs.values(), at);
      lastReload = at;
      await positionCursor(db, SUPERVISION_CONSUMER, head);
      started = true;
      await flush();
      logger.info({ accounts: loaded.length, ...supervisor.live() }, 'supervision started');
      timer = setInterval(() => void tick().catch((err: unknown) => logger.error({ err }, 'supervision tick failed')), tickMs);
      timer.unref();
    },
    reload,
    tick,
    receiverStatus(s) {
      const reason = s.reason ?? null;
      receivers.set(s.receiver, { receiver: s.receiver, node: nodeId, status: s.status, since: s.at, reason, trouble: s.status !== 'up' });
      receiverEvents.push({ subjectType: 'receiver', subject: s.receiver, kind: s.status, at: s.at, lastReportAt: null, detail: reason === null ? null : { reason } });
      void flushReceivers();
    },
    overview(limit = 500) {
      const live = supervisor.live();
      const lateAccounts = supervisor.lateAccounts().slice(0, limit).map((l) => {
        const config = configs.get(l.account);
        return {
          account: l.account,
          customerId: config?.customerId ?? null,
          customerName: config?.customerName ?? null,
          lateSince: l.lateSince,
          lastReportAt: l.lastReportAt,
          intervalS: l.settings.intervalMs / 1000,
          graceS: l.settings.graceMs / 1000,
        };
      });
      return {
        at: now(),
        ...live,
        warning: live.rate !== null && live.rate < ONLINE_RATE_WARNING,
        unsupervised: configs.size - supervisor.size,
        lateAccounts,
        receivers: [...receivers.values()].sort((a, b) => (a.receiver < b.receiver ? -1 : 1)),
      };
    },
    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking;
      await reloading;
      await flush();
      await flushReceivers();
      fence = undefined;
    },
  };
}

function registerGauges(registry: Registry, live: () => LiveRate): void {
  new Gauge({
    name: 'arc_supervision_online_ratio',
    help: 'Share of in-service supervised accounts that are online (1 when none is in service)',
    registers: [registry],
    collect() {
      this.set(live().rate ?? 1);
    },
  });
  new Gauge({
    name: 'arc_supervision_accounts',
    help: 'Supervised accounts by standing',
    labelNames: ['standing'] as const,
    registers: [registry],
    collect() {
      const l = live();
      this.set({ standing: 'online' }, l.online);
      this.set({ standing: 'late' }, l.late);
      this.set({ standing: 'excluded' }, l.excluded);
    },
  });
}
