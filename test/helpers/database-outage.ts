import type { ChildProcess } from 'node:child_process';
import type { Test } from 'tap';
import type { SimReport } from '../../src/panel-sim/sim-report.js';
import { saveAccount } from '../../src/receivers/account-store.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { journaledOnce } from './journaled-once.js';

/** The sum of a Prometheus metric over all its label sets, from a /metrics text. */
export const metric = (text: string, name: string) => [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);

/** A PostgreSQL database made ready for `arc serve`: migrated, with the panels' accounts `base` … `base + count - 1`. */
export async function seedPanelAccounts(databaseUrl: string, count: number, base: number): Promise<void> {
  const setup = await openDatabase({ databaseUrl, dataDir: '' });
  try {
    await migrateToLatest(setup.db);
    for (let i = 0; i < count; i++) await saveAccount(setup.db, { number: String(base + i), aesKey: null, encryptedOnly: false });
  } finally {
    await setup.close();
  }
}

export interface DatabaseOutage {
  /** The `arc serve` the panels sent to; stopped (SIGTERM) here, after the checks that need it. */
  arc: ChildProcess;
  metrics: () => Promise<string>;
  /** The database arc uses, reached directly (not through anything the test cut). */
  databaseUrl: string;
  /** What the panels saw, run with `recordAcks`. */
  report: SimReport;
  /** arc's /metrics while the database was away. */
  duringOutage: string;
}

/**
 * What a database outage must not change, checked once the database is back: the panels were
 * answered throughout (the spool), the spool drains, the consumers catch up, arc stops cleanly,
 * and every ACKed frame is journaled exactly once as a signal, with nothing else.
 */
export async function checkNothingLostOrDoubled(t: Test, { arc, metrics, databaseUrl, report, duringOutage }: DatabaseOutage): Promise<void> {
  t.ok(metric(duringOutage, 'arc_spooled_total') > 0, `receptions went to the spool while the database was away (${metric(duringOutage, 'arc_spooled_total')})`);
  t.equal(report.failed, 0, 'no frame went unanswered: the panels were ACKed throughout the outage');
  t.equal(report.naked + report.duhed, 0, 'nor refused');
  t.equal(report.acked, report.ackedFrames!.length);

  // Drained once the database is back.
  let text = await metrics();
  for (let i = 0; i < 300 && (metric(text, 'arc_spool_depth') > 0 || metric(text, 'arc_spool_drained_total') === 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    text = await metrics();
  }
  t.equal(metric(text, 'arc_spool_depth'), 0, 'the spool is empty again');
  t.equal(metric(text, 'arc_spool_drained_total'), metric(text, 'arc_spooled_total'), 'everything spooled was drained');

  // The consumers (on the leader again once the lease is back) go through the drained receptions too.
  const after = await openDatabase({ databaseUrl, dataDir: '' });
  t.teardown(() => after.close());
  const cursor = () => after.db.selectFrom('journal_cursor').select('seq').where('consumer', '=', 'incidents').executeTakeFirst().then((r) => r?.seq);
  const last = await after.db.selectFrom('journal').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow();
  for (let i = 0; i < 300 && (await cursor()) !== last.seq; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(await cursor(), last.seq, 'the incidents consumer handled every reception, the drained ones too');

  const exited = new Promise((resolve) => arc.on('exit', (code) => resolve(code)));
  arc.kill('SIGTERM');
  t.equal(await exited, 0, 'arc stops cleanly');
  const { notOnce, unaccounted } = await journaledOnce(after.db, report.ackedFrames!);
  t.same(notOnce, [], `all ${report.ackedFrames!.length} ACKed frames are journaled exactly once as a signal`);
  t.equal(unaccounted, 0, 'and nothing else: no signal twice');
}
