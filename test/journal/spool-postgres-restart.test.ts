import pg from 'pg';
import t from 'tap';
import { ACCOUNTS_CHANGED_CHANNEL } from '../../src/customers/accounts-changed.js';
import { INCIDENT_CHANNEL } from '../../src/incidents/incident-bus.js';
import { JOURNAL_CHANNEL } from '../../src/journal/journal-bus.js';
import { runPanels } from '../../src/panel-sim/run-panels.js';
import { spawnArcServe } from '../helpers/arc-process.js';
import { checkNothingLostOrDoubled, metric, seedPanelAccounts } from '../helpers/database-outage.js';
import { testDatabaseUrl } from '../helpers/databases.js';
import { findPostgresPrograms, startPrivatePostgres } from '../helpers/private-postgres.js';

const PANELS = 8;
const DOWN_MS = 4_000;
// It needs no TEST_DATABASE_URL, but runs in CI's PostgreSQL leg only: once is enough for its ~17 s.
const programs = testDatabaseUrl ? findPostgresPrograms() : 'TEST_DATABASE_URL is not set (this test runs with the PostgreSQL tests)';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The channels arc's LISTEN connections are on now, one entry per connection. */
async function listening(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ query: string }>(`select query from pg_stat_activity where pid <> pg_backend_pid() and query ilike 'listen %'`);
    return rows.map((r) => r.query.replace(/^listen /i, '')).sort();
  } finally {
    await client.end();
  }
}

t.test(
  'PostgreSQL itself is stopped mid-stream (pg_ctl stop -m fast) and started again: panels keep being ACKed, and afterwards nothing is missing or doubled',
  { skip: typeof programs === 'string' ? programs : false },
  async (t) => {
    if (typeof programs === 'string') throw new Error(programs); // skipped then: this narrows the type
    const server = await startPrivatePostgres(t, programs);
    const databaseUrl = server.url();
    await seedPanelAccounts(databaseUrl, PANELS, 23000);

    const { child: arc, address, dc09Port: port, output } = await spawnArcServe(t, { DATABASE_URL: databaseUrl, ARC_NODE_ID: 'restarted', ARC_SPOOL_DIR: t.testdir({}), ARC_SPOOL_AFTER_MS: '300' });
    t.teardown(() => {
      if (!t.passing()) t.comment(`arc's log (warnings and errors):\n${output().split('\n').filter((l) => !l.includes('"level":30')).slice(-40).join('\n')}`);
    });
    const metrics = () => fetch(`${address}/metrics`).then((r) => r.text());
    const channels = [ACCOUNTS_CHANGED_CHANNEL, INCIDENT_CHANNEL, JOURNAL_CHANNEL].sort();
    t.same(await listening(databaseUrl), channels, 'arc LISTENs on its three channels');

    // The panels go on for 4 s after the restart: the spool must hand back to the journal under load.
    let sent = false;
    const sending = runPanels({ count: PANELS, rate: 160, durationS: 10, alarmShare: 0.5, accountBase: 23000, target: `127.0.0.1:${port}`, recordAcks: true, ackTimeoutMs: 1000, retries: 1 });
    void sending.finally(() => (sent = true));
    await sleep(1_500);
    const stoppedAt = performance.now();
    // Every session (the pool's, the LISTENs', the one in a group commit) is ended with an error.
    await server.stop('fast');
    await t.rejects(new pg.Client({ connectionString: databaseUrl }).connect(), { code: 'ECONNREFUSED' }, 'PostgreSQL is down');
    // Away for twice as long as a panel waits for an answer to a frame and its one repeat: without
    // the spool, frames sent meanwhile would go unanswered.
    await sleep(DOWN_MS - (performance.now() - stoppedAt));
    const duringOutage = await metrics();
    await server.start();
    const outageMs = performance.now() - stoppedAt;
    t.match(duringOutage, /^arc_spooled_total\{reason="database_failed"\} [1-9]/m, 'commits failed: the server was gone (not merely slow)');

    // While the panels still send, the spool empties and receptions go to the journal again.
    const restartedAt = performance.now();
    let handedBack: { ms: number; spooled: number } | undefined;
    while (!sent && !handedBack) {
      const text = await metrics();
      if (metric(text, 'arc_spool_depth') === 0) handedBack = { ms: performance.now() - restartedAt, spooled: metric(text, 'arc_spooled_total') };
      else await sleep(50);
    }
    const report = await sending;
    const spooled = metric(await metrics(), 'arc_spooled_total');
    t.comment(`PostgreSQL down ${Math.round(outageMs)} ms; ${report.sent} frames sent, ${report.acked} ACKed, ${spooled} spooled; the spool handed back ${handedBack ? `${Math.round(handedBack.ms)} ms after the restart` : 'only once the panels stopped'}; ACK latency ${JSON.stringify(report.latencyMs)}`);
    t.ok(handedBack, 'the spool emptied while the panels were still sending');
    t.equal(spooled, handedBack?.spooled, 'and from then on receptions went straight to the journal');

    // Reconnected by itself: the pool, the LISTEN connections (retried every second), the lease.
    let now = await listening(databaseUrl);
    for (let i = 0; i < 50 && now.join() !== channels.join(); i++) {
      await sleep(100);
      now = await listening(databaseUrl);
    }
    t.same(now, channels, 'arc LISTENs on its three channels again after the restart');
    let text = await metrics();
    for (let i = 0; i < 50 && metric(text, 'arc_is_leader') !== 1; i++) {
      await sleep(100);
      text = await metrics();
    }
    t.equal(metric(text, 'arc_is_leader'), 1, 'it leads again: the lease keeper took the lease back');

    await checkNothingLostOrDoubled(t, { arc, metrics, databaseUrl, report, duringOutage });
  },
);
