import { sql } from 'kysely';
import t from 'tap';
import { runPanels } from '../../src/panel-sim/run-panels.js';
import { saveAccount } from '../../src/receivers/account-store.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { spawnArcServe } from '../helpers/arc-process.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const PANELS = 8;
const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');

const metric = (text: string, name: string) => [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);

t.test(
  'postgres: the database goes away mid-stream: panels keep being ACKed (the spool), and once it is back every ACKed frame is in the journal exactly once',
  { skip: postgres ? false : 'TEST_DATABASE_URL is not set' },
  async (t) => {
    const location = await postgres!.location(t);
    const setup = await openDatabase(location);
    await migrateToLatest(setup.db);
    for (let i = 0; i < PANELS; i++) await saveAccount(setup.db, { number: String(21000 + i), aesKey: null, encryptedOnly: false });
    await setup.close();

    // arc reaches PostgreSQL through a proxy the test cuts: PostgreSQL "stops" for this node only.
    const url = new URL(location.databaseUrl!);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    t.teardown(() => proxy.close());
    const viaProxy = new URL(url.href);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const spoolDir = t.testdir({});

    const { child: arc, address, dc09Port: port } = await spawnArcServe(t, { DATABASE_URL: viaProxy.href, ARC_NODE_ID: 'spooler', ARC_SPOOL_DIR: spoolDir, ARC_SPOOL_AFTER_MS: '300' });
    const metrics = () => fetch(`${address}/metrics`).then((r) => r.text());

    const sending = runPanels({ count: PANELS, rate: 160, durationS: 6, alarmShare: 0.5, accountBase: 21000, target: `127.0.0.1:${port}`, recordAcks: true, ackTimeoutMs: 1000, retries: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Away for twice as long as a panel waits for an answer to a frame and its one repeat: without
    // the spool, frames sent meanwhile would go unanswered.
    proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const duringOutage = await metrics();
    proxy.restore();
    const report = await sending;

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
    const after = await openDatabase(location);
    t.teardown(() => after.close());
    const cursor = () => after.db.selectFrom('journal_cursor').select('seq').where('consumer', '=', 'incidents').executeTakeFirst().then((r) => r?.seq);
    const last = await after.db.selectFrom('journal').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow();
    for (let i = 0; i < 300 && (await cursor()) !== last.seq; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    t.equal(await cursor(), last.seq, 'the incidents consumer handled every reception, the drained ones too');

    const exited = new Promise((resolve) => arc.on('exit', (code) => resolve(code)));
    arc.kill('SIGTERM');
    t.equal(await exited, 0, 'arc stops cleanly');
    const { rows } = await sql<{ account: string; seq: number; token: string; signals: number }>`
      select account, (frame->>'seq')::int as seq, frame->>'token' as token, count(*)::int as signals
      from journal where outcome = 'signal' and duplicate_of is null group by 1, 2, 3`.execute(after.db);
    const journaled = new Map(rows.map((r) => [`${r.account}/${r.seq}/${r.token}`, r.signals]));
    const missing = report.ackedFrames!.filter((f) => journaled.get(`${f.account}/${f.seq}/${f.token}`) !== 1);
    t.same(missing, [], `all ${report.ackedFrames!.length} ACKed frames are journaled exactly once as a signal`);
    t.equal(rows.length, new Set(report.ackedFrames!.map((f) => `${f.account}/${f.seq}/${f.token}`)).size, 'and nothing else: no signal twice');
  },
);
