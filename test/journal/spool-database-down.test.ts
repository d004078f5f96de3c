import t from 'tap';
import { runPanels } from '../../src/panel-sim/run-panels.js';
import { spawnArcServe } from '../helpers/arc-process.js';
import { checkNothingLostOrDoubled, seedPanelAccounts } from '../helpers/database-outage.js';
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

    await checkNothingLostOrDoubled(t, { arc, metrics, databaseUrl: location.databaseUrl!, report, duringOutage });
  },
);
