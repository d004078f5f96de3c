import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Test } from 'tap';

const run = promisify(execFile);

/** The PostgreSQL server programs, and the OS user to run them as (initdb and postgres refuse root). */
export interface PostgresPrograms {
  /** The directory holding initdb, pg_ctl and postgres. */
  bin: string;
  /** Set when this process is root: the `postgres` user's ids. */
  as?: { uid: number; gid: number };
}

/**
 * A PostgreSQL server of the test's own (initdb into a temporary directory, on a free port of
 * 127.0.0.1, its socket in that directory too), which the test may stop and start as it likes:
 * the shared server of TEST_DATABASE_URL serves the other test files running alongside.
 */
export interface PrivatePostgres {
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` (trust authentication). */
  url(database?: string): string;
  /** `pg_ctl stop`: `fast` ends every session with an error (an administrator's stop); `immediate` kills them (a crash: recovery at the next start). */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** `pg_ctl start`, resolved once the server accepts connections. */
  start(): Promise<void>;
  /** What the server has logged so far. */
  log(): string;
}

const PG_LIB = '/usr/lib/postgresql';
const PROGRAMS = ['initdb', 'pg_ctl', 'postgres'];

/**
 * Where the server programs are and who may run them; a string says why this machine cannot run
 * a private server (for a test's `skip`). Debian's packages (CI's) keep them out of PATH, in
 * /usr/lib/postgresql/<version>/bin: the newest there, else PATH.
 */
export function findPostgresPrograms(): PostgresPrograms | string {
  const versions = existsSync(PG_LIB) ? readdirSync(PG_LIB).sort((a, b) => Number(b) - Number(a)) : [];
  const dirs = [...versions.map((v) => join(PG_LIB, v, 'bin')), ...(process.env.PATH ?? '').split(':').filter(Boolean)];
  const bin = dirs.find((dir) => PROGRAMS.every((p) => existsSync(join(dir, p))));
  if (!bin) return `the PostgreSQL server programs (${PROGRAMS.join(', ')}) are not installed (looked in ${PG_LIB}/*/bin and PATH)`;
  let as: PostgresPrograms['as'];
  if (process.getuid?.() === 0) {
    const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    const [uid, gid] = [id('-u'), id('-g')];
    if (uid.status !== 0 || gid.status !== 0) return 'running as root, and there is no `postgres` user to run PostgreSQL as (initdb and postgres refuse root)';
    as = { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  }
  const probe = spawnSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8', ...as });
  if (probe.status !== 0) return `${join(bin, 'postgres')} cannot be run here${as ? ' as the postgres user' : ''}: ${probe.error?.message ?? probe.stderr.trim()}`;
  return { bin, ...(as && { as }) };
}

/**
 * A new cluster (trust authentication, superuser `postgres`), started. At the test's end the
 * server is stopped (immediately: nothing in it is kept) and its directory removed, whether the
 * test passed or not; if it failed, the server's log is printed first.
 */
export async function startPrivatePostgres(t: Test, programs: PostgresPrograms): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'arc-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const pgCtl = (...args: string[]) => run(join(programs.bin, 'pg_ctl'), ['-D', data, ...args], { ...programs.as, timeout: 60_000 });
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  t.teardown(async () => {
    await pgCtl('stop', '-w', '-m', 'immediate').catch(() => undefined); // already stopped, or never started
    if (!t.passing()) t.comment(`the private PostgreSQL's log:\n${log()}`);
    rmSync(dir, { recursive: true, force: true });
  });
  if (programs.as) chownSync(dir, programs.as.uid, programs.as.gid);

  // No syncs: the test stops the server, never the machine, so the page cache keeps what was written.
  await run(join(programs.bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'], { ...programs.as, timeout: 60_000 });
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const server: PrivatePostgres = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop: async (mode) => void (await pgCtl('stop', '-w', '-m', mode)),
    start: async () => void (await pgCtl('start', '-w', '-t', '30', '-l', logFile, '-o', options)),
    log,
  };
  await server.start();
  return server;
}

/** A port nobody listens on now (the kernel's pick); PostgreSQL binds it a moment later. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
