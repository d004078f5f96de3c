import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { arcBin, arcEnv } from '../helpers/arc-process.js';
import t from 'tap';

t.test('arc serve runs on the embedded database, answers /healthz, and stops cleanly on SIGTERM', async (t) => {
  const dir = join(t.testdir({}), 'data');
  const child = spawn(process.execPath, [arcBin, 'serve'], {
    env: arcEnv({ ARC_DATA_DIR: dir, ARC_HTTP_PORT: '0', ARC_HTTP_HOST: '127.0.0.1', ARC_DC09_PORT: '0', ARC_DC09_HOST: '127.0.0.1', ARC_NODE_ID: 'serve-test', DATABASE_URL: '', NODE_ENV: 'production' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let out = '';
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"address":"(http:\/\/[^"]+)".*"msg":"arc is serving"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
  t.ok(existsSync(`${dir}.lock`), 'the data directory is locked while it runs');
  const res = await fetch(`${address}/healthz`);
  t.equal(res.status, 200);
  t.same(await res.json(), { status: 'ok', node: 'serve-test', database: 'pglite' });
  const code = await new Promise<number | null>((done) => { child.on('exit', done); child.kill('SIGTERM'); });
  t.equal(code, 0, 'exits 0 on SIGTERM');
  t.notOk(existsSync(`${dir}.lock`), 'and releases the data directory');
});

t.test('arc serve refuses a bad setting before it opens anything', async (t) => {
  const child = spawn(process.execPath, [arcBin, 'serve'], { env: arcEnv({ ARC_HTTP_PORT: 'eighty' }), stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  t.equal(code, 1);
  t.match(err, 'ARC_HTTP_PORT: must be an integer 0-65535, got "eighty"');
});
