import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { arcBin, arcEnv } from '../helpers/arc-process.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { repoRoot } from '../helpers/vectors.js';

// The small CSV example: the whole JSON demo set is imported by test/customers/customer-import.test.ts.
const demo = join(repoRoot, 'fixtures/demo/customers-example.csv');

function arc(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [arcBin, ...args], { env: arcEnv({ ARC_LOG_LEVEL: 'silent', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: arc import loads customers, updates by account, and reports bad rows`, async (t) => {
    const { env, databaseUrl } = await database.location(t);
    let notified = 0;
    if (databaseUrl) {
      const listener = new pg.Client({ connectionString: databaseUrl });
      await listener.connect();
      t.teardown(() => listener.end());
      listener.on('notification', (n) => (n.channel === 'arc_accounts' ? notified++ : 0));
      await listener.query('listen arc_accounts');
    }
    const first = await arc(['import', demo], env);
    t.equal(first.code, 0, first.err);
    t.match(first.out, /^imported 2 \(2 new, 0 updated\), rejected 0\n/);
    t.match(first.out, /new +line 2: 平安超市\(天河店\) \([0-9a-f-]{36}\)/);
    if (databaseUrl) {
      await new Promise((r) => setTimeout(r, 200));
      t.ok(notified >= 1, 'running nodes are told to reload their accounts');
    }

    // A second file naming an account already imported updates that customer: import is idempotent by account.
    // Not t.testdir(): a second call would empty the directory the embedded database is in.
    const dir = mkdtempSync(join(tmpdir(), 'arc-import-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const csv = join(dir, 'more.csv');
    writeFileSync(csv, 'name,address,contract_type,service_status,accounts\n平安超市(天河店),广东省广州市天河区天河路 385 号,lease,in_service,20001\nbad,某地,lease,closed,41002\n');
    const mixed = await arc(['import', csv], env);
    t.equal(mixed.code, 1, 'a rejected row makes the exit status 1');
    t.match(mixed.out, /^imported 1 \(0 new, 1 updated\), rejected 1\n/);
    t.match(mixed.out, /updated line 2: 平安超市\(天河店\)/);
    t.match(mixed.out, /REJECTED line 3: serviceStatus: /);
  });
}

t.test('arc import: a file that cannot be read is exit 1, a missing FILE is exit 2', async (t) => {
  const { env } = await TEST_DATABASES[0]!.location(t);
  const notJson = join(t.testdir({}), 'x.json');
  writeFileSync(notJson, '[{"name":');
  const broken = await arc(['import', notJson], env);
  t.equal(broken.code, 1);
  t.match(broken.err, /x\.json: not JSON: /);
  const missing = await arc(['import', '/nonexistent/customers.json'], env);
  t.equal(missing.code, 1);
  t.match(missing.err, /ENOENT/);
  const none = await arc(['import'], env);
  t.equal(none.code, 2);
  t.match(none.err, /give exactly one FILE/);
});
