import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import type { Test } from 'tap';
import { buildHttpServer } from '../../src/console/http-server.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch } from '../../src/journal/journal-consumer.js';
import { createLogger } from '../../src/observability/logger.js';
import { runPanels } from '../../src/panel-sim/run-panels.js';
import { ReloadableAccountDirectory, saveAccount } from '../../src/receivers/account-store.js';
import { startDc09Receiver } from '../../src/receivers/dc09/dc09-receiver.js';
import { createReceiverMetrics } from '../../src/receivers/receiver-metrics.js';
import type { Database } from '../../src/store/database-schema.js';
import type { Store } from '../../src/store/database.js';
import { createSupervisionService, type SupervisionService } from '../../src/supervision/supervision-service.js';

export const silent = createLogger({ logLevel: 'silent', nodeId: 't', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));

/**
 * A clock the test moves forward: the receiver stamps receptions with it and supervision judges
 * by it, so that minutes of silence take no time. It runs with the real clock in between.
 */
function testClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms: number) => void (offset += ms) };
}

export async function customer(db: Kysely<Database>, name: string, status: string, accounts: string[]) {
  const at = new Date();
  const { id } = await db
    .insertInto('customer')
    .values({ name, address: '北京市朝阳区', contract_type: 'lease', service_status: status, reporting_interval_s: 60, video_links: '[]', created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const number of accounts) {
    await saveAccount(db, { number, aesKey: null, encryptedOnly: false });
    await db.updateTable('account').set({ customer_id: id }).where('number', '=', number).execute();
  }
}

/** arc's receiving path and supervision, as `serve` wires them, on one database. */
export async function centre(t: Test, store: Store) {
  const clock = testClock();
  const directory = new ReloadableAccountDirectory(store.db);
  await directory.reload();
  const journal = new GroupCommitJournal(store.db, { nodeId: 'arc-t', dedupWindowMs: 120_000, bus: new JournalBus() });
  const receiver = await startDc09Receiver(
    { host: '127.0.0.1', port: 0, maxConnections: 50, idleTimeoutMs: 30_000, peerRate: 1000 },
    { journal, accounts: directory, unknownAccountReply: 'nak', now: clock.now, metrics: createReceiverMetrics(new Registry()), logger: silent },
  );
  t.teardown(async () => {
    await receiver.stop();
    await journal.close();
  });
  const supervise = async () => {
    const service = createSupervisionService({ db: store.db, nodeId: 'arc-t', now: clock.now, logger: silent, receivers: ['sg1'], tickMs: 3_600_000, settleMs: 0 });
    await service.start();
    t.teardown(() => service.stop());
    return service;
  };
  return {
    clock,
    supervision: await supervise(),
    supervise,
    /** Simulated DC-09 panels for accounts base … base+count-1 send NULL polls until each has sent one. */
    async panelsReport(base: number, count: number) {
      const report = await runPanels({ count, rate: count * 20, durationS: 0.1, accountBase: base, target: `127.0.0.1:${receiver.port}`, ackTimeoutMs: 2_000 });
      if (report.acked < count) throw new Error(`only ${report.acked} of ${count} panels were ACKed`);
    },
    /** The supervision consumer runs to the end of the journal. */
    async consume(service: SupervisionService) {
      while ((await consumeBatch(store.db, service.consumer)) > 0);
    },
    events: () => store.db.selectFrom('supervision_event').select(['subject', 'kind', 'at', 'last_report_at']).where('subject_type', '=', 'account').orderBy('seq').execute(),
  };
}

export function appFor(t: Test, store: Store, supervision: SupervisionService, now: () => number) {
  const app = buildHttpServer({ config: { nodeId: 'arc-t' }, store, metrics: new Registry(), logger: silent, supervision, now: () => new Date(now()) });
  t.teardown(() => app.close());
  return app;
}
