import t from 'tap';
import { runPanels } from '../../src/panel-sim/run-panels.js';
import { spawnArcServe } from '../helpers/arc-process.js';
import { openDatabase } from '../../src/store/database.js';
import { checkNothingLostOrDoubled, metric, seedPanelAccounts } from '../helpers/database-outage.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const PANELS = 8;
const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');

t.test(
  'postgres: the database goes away mid-stream: panels keep being ACKed (the spool), and once it is back every ACKed frame is in the journal exactly once',
  { skip: postgres ? false : 'TEST_DATABASE_URL is not set' },
  async (t) => {
    const location = await postgres!.location(t);
    await seedPanelAccounts(location.databaseUrl!, PANELS, 21000);

    // arc reaches PostgreSQL through a proxy the test cuts: PostgreSQL "stops" for this node only.
    // (spool-postgres-restart.test.ts stops a PostgreSQL server of its own for real.)
    const url = new URL(location.databaseUrl!);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    t.teardown(() => proxy.close());
    const viaProxy = new URL(url.href);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const spoolDir = t.testdir({});

    const { child: arc, address, dc09Port: port } = await spawnArcServe(t, { DATABASE_URL: viaProxy.href, ARC_NODE_ID: 'spooler', ARC_SPOOL_DIR: spoolDir, ARC_SPOOL_AFTER_MS: '300', ARC_SPOOL_WARN_MB: '0.05' });
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

    // Past its (test-sized) threshold the spool was this node's trouble: recorded once the
    // database was back, as a receiver trouble ticket, its end noted once drained.
    t.equal(metric(duringOutage, 'arc_spool_over_threshold'), 1, 'the spool passed its threshold during the outage');
    const direct = await openDatabase(location);
    t.teardown(() => direct.close());
    const ticketEvents = async () => {
      const ticket = await direct.db.selectFrom('maintenance_ticket').select('id as ticket_id').where('receiver', '=', 'spool:spooler').executeTakeFirst();
      if (!ticket) return [];
      return (await direct.db.selectFrom('maintenance_ticket_event').select('kind').where('ticket_id', '=', ticket.ticket_id).orderBy('id').execute()).map((e) => e.kind);
    };
    let events: string[] = [];
    for (let i = 0; i < 200 && !events.includes('restored'); i++) {
      events = await ticketEvents();
      if (!events.includes('restored')) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    t.same(events, ['opened', 'restored'], 'a receiver trouble ticket for spool:spooler, with the restore noted');

    await checkNothingLostOrDoubled(t, { arc, metrics, databaseUrl: location.databaseUrl!, report, duringOutage });
  },
);
