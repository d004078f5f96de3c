import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import t from 'tap';
import { runPanels } from '../../../src/panel-sim/run-panels.js';
import { saveAccount } from '../../../src/receivers/account-store.js';
import { openDatabase } from '../../../src/store/database.js';
import { migrateToLatest } from '../../../src/store/migrations.js';
import { arcBin, arcEnv } from '../../helpers/arc-process.js';
import { TEST_DATABASES } from '../../helpers/databases.js';

const PANELS = 8;

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: arc SIGKILLed while panels send: every frame they saw ACKed is in the journal, once, as a signal`, async (t) => {
    const location = await database.location(t);
    const setup = await openDatabase(location);
    await migrateToLatest(setup.db);
    for (let i = 0; i < PANELS; i++) await saveAccount(setup.db, { number: String(20000 + i), aesKey: null, encryptedOnly: false });
    await setup.close();

    const arc = spawn(process.execPath, [arcBin, 'serve'], {
      env: arcEnv({ ...location.env, ARC_HTTP_PORT: '0', ARC_HTTP_HOST: '127.0.0.1', ARC_DC09_PORT: '0', ARC_DC09_HOST: '127.0.0.1', ARC_NODE_ID: 'crash', NODE_ENV: 'production' }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.teardown(() => { if (arc.exitCode === null && arc.signalCode === null) arc.kill('SIGKILL'); });
    let out = '';
    const port = await new Promise<number>((resolve, reject) => {
      arc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"dc09Port":(\d+).*"msg":"arc is serving"/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      arc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });

    const sending = runPanels({ count: PANELS, rate: 400, durationS: 2, alarmShare: 0.5, accountBase: 20000, target: `127.0.0.1:${port}`, recordAcks: true, ackTimeoutMs: 1000, retries: 1 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    const killed = new Promise((resolve) => arc.on('exit', (_c, signal) => resolve(signal)));
    arc.kill('SIGKILL');
    t.equal(await killed, 'SIGKILL');
    const report = await sending;
    t.ok(report.acked > 5, `the panels saw ${report.acked} ACKs before the kill`);
    t.ok(report.failed > 0 || report.unsent > 0, 'and the kill cut them off mid-run');

    // "After restart": the database as the next start of arc finds it.
    const after = await openDatabase(location);
    t.teardown(() => after.close());
    const { rows } = await sql<{ account: string; seq: number; token: string; signals: number }>`
      select account, (frame->>'seq')::int as seq, frame->>'token' as token, count(*)::int as signals
      from journal where outcome = 'signal' and duplicate_of is null group by 1, 2, 3`.execute(after.db);
    const journaled = new Map(rows.map((r) => [`${r.account}/${r.seq}/${r.token}`, r.signals]));
    const missing = report.ackedFrames!.filter((f) => journaled.get(`${f.account}/${f.seq}/${f.token}`) !== 1);
    t.same(missing, [], `all ${report.ackedFrames!.length} ACKed frames are journaled exactly once as a signal`);
  });
}
