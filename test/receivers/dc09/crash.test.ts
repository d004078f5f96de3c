import t from 'tap';
import { runPanels } from '../../../src/panel-sim/run-panels.js';
import { saveAccount } from '../../../src/receivers/account-store.js';
import { openDatabase } from '../../../src/store/database.js';
import { migrateToLatest } from '../../../src/store/migrations.js';
import { spawnArcServe } from '../../helpers/arc-process.js';
import { TEST_DATABASES } from '../../helpers/databases.js';
import { journaledOnce } from '../../helpers/journaled-once.js';

const PANELS = 8;

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: arc SIGKILLed while panels send: every frame they saw ACKed is in the journal, once, as a signal`, async (t) => {
    const location = await database.location(t);
    const setup = await openDatabase(location);
    await migrateToLatest(setup.db);
    for (let i = 0; i < PANELS; i++) await saveAccount(setup.db, { number: String(20000 + i), aesKey: null, encryptedOnly: false });
    await setup.close();

    // The journal's own durability under test: a commit slow on a loaded machine waits for the
    // journal rather than going to the spool (which only the next start would drain).
    const { child: arc, address, dc09Port: port } = await spawnArcServe(t, { ...location.env, ARC_NODE_ID: 'crash', ARC_SPOOL_AFTER_MS: '60000' });

    const sending = runPanels({ count: PANELS, rate: 400, durationS: 4, alarmShare: 0.5, accountBase: 20000, target: `127.0.0.1:${port}`, recordAcks: true, ackTimeoutMs: 1000, retries: 1 });
    // Killed mid-stream: once arc has journaled a few dozen signals (a loaded machine takes longer to get there).
    for (let journaled = 0; journaled < 40; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const metrics = await fetch(`${address}/metrics`).then((r) => r.text());
      journaled = [...metrics.matchAll(/^arc_receptions_total\{[^}]*outcome="signal"[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    }
    const killed = new Promise((resolve) => arc.on('exit', (_c, signal) => resolve(signal)));
    arc.kill('SIGKILL');
    t.equal(await killed, 'SIGKILL');
    const report = await sending;
    t.ok(report.acked > 5, `the panels saw ${report.acked} ACKs before the kill`);
    t.ok(report.failed > 0 || report.unsent > 0, 'and the kill cut them off mid-run');

    // "After restart": the database as the next start of arc finds it.
    const after = await openDatabase(location);
    t.teardown(() => after.close());
    const { notOnce } = await journaledOnce(after.db, report.ackedFrames!);
    t.same(notOnce, [], `all ${report.ackedFrames!.length} ACKed frames are journaled exactly once as a signal`);
  });
}
