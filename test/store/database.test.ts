import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arcBin, arcEnv } from '../helpers/arc-process.js';
import t from 'tap';
import { lockDataDir } from '../../src/store/data-dir-lock.js';
import { MIGRATIONS, migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: migrations apply once, then find nothing to do`, async (t) => {
    const store = await database.open(t);
    t.same(await migrateToLatest(store.db), Object.keys(MIGRATIONS), 'all of them, in order');
    t.same(await migrateToLatest(store.db), [], 'a second run applies nothing');
  });

  t.test(`${database.name}: node starts are appended and read back with their time`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    await store.db.insertInto('node_start').values([
      { node_id: 'arc-a', version: '0.1.0', database_kind: store.kind },
      { node_id: 'arc-b', version: '0.1.0', database_kind: store.kind },
    ]).execute();
    const rows = await store.db.selectFrom('node_start').selectAll().orderBy('id').execute();
    t.same(rows.map((r) => r.node_id), ['arc-a', 'arc-b']);
    t.type(rows[0]!.id, 'string', 'bigserial reads as a string on both databases');
    t.ok(rows[0]!.started_at instanceof Date && Math.abs(rows[0]!.started_at.getTime() - Date.now()) < 60_000, 'started_at is now');
  });
}

t.test('a second process on the same data directory is refused with the holder\'s pid', async (t) => {
  const dir = join(t.testdir({}), 'data');
  const lock = lockDataDir(dir);
  t.teardown(() => lock.release());
  const child = spawn(process.execPath, [arcBin, 'migrate'], {
    env: arcEnv({ ARC_DATA_DIR: dir, DATABASE_URL: '' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  t.equal(code, 1, 'the second process exits 1');
  t.match(stderr, `in use by pid ${process.pid}`, 'and names the process that holds it');
  t.notOk(existsSync(dir), 'without touching the directory');
});

t.test('a lock left by a dead process is taken over', async (t) => {
  const dir = join(t.testdir({}), 'data');
  // pid 2^22+1 is above Linux's pid_max default range: no such process.
  writeFileSync(`${dir}.lock`, '4194305\n');
  const lock = lockDataDir(dir);
  t.equal(lock.path, `${dir}.lock`);
  lock.release();
  t.notOk(existsSync(`${dir}.lock`), 'released on close');
});
